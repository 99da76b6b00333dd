import path from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Workspace } from '../model/workspace.js';
import { GitRefResolver } from '../resolve/git-refs.js';
import { HttpRegistryClient } from '../resolve/registry-client.js';
import { loadWorkspace } from '../sources/load-workspace.js';
import { resolveScanTarget } from '../sources/scan-target.js';
import { loadAllowedSigners, loadKeyring } from '../verify/trust-files.js';
import { SignatureVerifier } from '../verify/commit-verifier.js';
import type { PolicyInput } from '../verify/image/image-policy.js';
import { loadImagePolicies } from '../verify/image/scan-policies.js';
import { errorMessage, RampartError } from '../errors.js';
import { DependencyCache } from './cache.js';
import { DependencyFetcher } from './fetcher.js';
import { HelmRepositories } from './helm-repositories.js';
import { runDependencies, type DependencyRun } from './run-deps.js';

export interface DependencyOptions {
  readonly insecureRegistries?: readonly string[];
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Helm's repositories.yaml: basic auth and `@name` repositories */
  readonly helmRepositories?: string;
  readonly cacheDirectory?: string;
  /** `--keyring`: OpenPGP public keys of trusted chart signers; `.prov` files are verified with them */
  readonly keyring?: string;
  readonly concurrency?: number;
  /** `--key`, `--certificate-identity`…: cosign signatures of OCI charts; `--allowed-signers`, `--gpg-keyring`: signed git dependencies */
  readonly signatures?: DependencySignatures;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/** Trust for signed dependencies, as `rampart verify` and `scan --verify` take it. */
export interface DependencySignatures extends Omit<PolicyInput, 'attestationType'> {
  readonly allowedSigners?: string;
  readonly gpgKeyring?: string;
}

/** What fetching needs for one run (registry client, git, cache); `close()` when done. */
export class DependencySession {
  private constructor(
    readonly fetcher: DependencyFetcher,
    readonly registry: HttpRegistryClient,
    readonly repositories: HelmRepositories,
    readonly cache: DependencyCache,
    private readonly options: DependencyOptions,
  ) {}

  static async open(options: DependencyOptions): Promise<DependencySession> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const retries = options.retries ?? 2;
    const repositories = options.helmRepositories ? await HelmRepositories.load(options.helmRepositories) : new HelmRepositories();
    const registry = new HttpRegistryClient({ insecureRegistries: options.insecureRegistries ?? [], timeoutMs });
    const cache = new DependencyCache(options.cacheDirectory);
    const chartKeyring = options.keyring ? await loadKeyring(options.keyring) : undefined;
    const signatures = options.signatures;
    const cosignGiven = (signatures?.keys?.length ?? 0) > 0 || signatures?.certificateIdentity !== undefined || signatures?.certificateIdentityRegexp !== undefined;
    const chartSignatures = signatures && cosignGiven ? await loadImagePolicies(signatures, undefined).catch((error: unknown) => {
      throw new RampartError('usage', `cosign signatures of OCI charts: ${errorMessage(error)}`);
    }) : undefined;
    const gitSignatures = signatures?.allowedSigners || signatures?.gpgKeyring ? await gitSignatureVerifier(signatures) : undefined;
    const fetcher = new DependencyFetcher({
      cache, registry, helmRepositories: repositories, http: { timeoutMs, retries }, plainHttpHosts: options.insecureRegistries ?? [], ...(chartKeyring ? { chartKeyring } : {}),
      ...(chartSignatures ? { chartSignatures } : {}),
      ...(gitSignatures ? { gitSignatures } : {}),
      git: new GitRefResolver({ timeoutMs: Math.max(timeoutMs, 30_000) }), gitTimeoutMs: Math.max(timeoutMs * 4, 60_000),
    });
    return new DependencySession(fetcher, registry, repositories, cache, options);
  }

  run(workspace: Workspace): Promise<DependencyRun> {
    return runDependencies(workspace, {
      fetcher: this.fetcher,
      aliases: this.repositories.aliases(),
      ...(this.options.concurrency ? { concurrency: this.options.concurrency } : {}),
      ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
    });
  }

  async close(): Promise<void> {
    await this.registry.close();
  }
}

async function gitSignatureVerifier(signatures: DependencySignatures): Promise<SignatureVerifier> {
  try {
    const [allowedSigners, keyring] = await Promise.all([
      signatures.allowedSigners ? loadAllowedSigners(signatures.allowedSigners) : undefined,
      signatures.gpgKeyring ? loadKeyring(signatures.gpgKeyring) : undefined,
    ]);
    return new SignatureVerifier({ ...(allowedSigners ? { allowedSigners } : {}), ...(keyring ? { keyring } : {}) });
  } catch (error) {
    throw new RampartError('usage', `signed git dependencies: ${errorMessage(error)}`);
  }
}

/** The repository at `root` read as `rampart scan` reads it (config ignores and size limit applied). */
export async function loadRepository(root: string, configPath?: string): Promise<{ workspace: Workspace; root: string }> {
  const target = resolveScanTarget(root);
  const config = await loadConfig(target.root, configPath);
  const { workspace } = await loadWorkspace(target.root, { ignore: config.ignore, maxFileSize: config.maxFileSize });
  return { workspace, root: target.root };
}

export function defaultLockPath(root: string): string {
  return path.join(root, 'rampart.lock');
}
