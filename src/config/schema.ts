import path from 'node:path';
import type { Severity } from '../model/severity.js';
import { DEFAULT_MAX_FINDINGS_PER_FILE } from '../secrets/finding-cap.js';
import type { AdmissionConfig, CommitsConfig, ConfigFile, ImagesConfig, VerifyConfig, WatchConfig } from './config-schema.js';

export type { AdmissionConfig, CommitsConfig, ConfigFile, ImagesConfig, VerifyConfig, WatchConfig };

export interface RuleSetting {
  readonly enabled: boolean;
  readonly severity?: Severity;
}

export interface ResolvedConfig {
  readonly failOn: Severity | 'none';
  readonly rules: ReadonlyMap<string, RuleSetting>;
  readonly ignore: readonly string[];
  readonly allowedRegistries: readonly string[];
  /** Git, Helm, OCI and Terraform module sources the repository may deploy from (`sources.allowed`); empty: no allow-list */
  readonly allowedSources: readonly string[];
  readonly maxFileSize: number;
  /** findings of one rule in one file that are listed; the rest are counted in a note */
  readonly maxFindingsPerFile: number;
  readonly docsBaseUrl: string;
  /** image signers for `scan --verify` and commit signers, with file paths resolved against the config file's directory */
  readonly verify?: VerifyConfig;
  /** `scan --analyze-images`: severity threshold and ignored advisories */
  readonly images?: ImagesConfig;
  /** `rampart serve admission`: rules that only warn or audit, and the object selector */
  readonly admission?: AdmissionConfig;
  /** `rampart watch`: controller identities, protected branch, Secret namespaces */
  readonly watch?: WatchConfig;
  /** where the config came from, for messages */
  readonly source?: string;
  /** the repository's own config: the directory the files it names (allowedSigners, gpgKeyring) must stay within */
  readonly namedFilesWithin?: string;
}

export const DEFAULT_DOCS_BASE_URL = 'https://github.com/rampart-gitops/rampart/blob/main/docs/rules';
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

export function resolveConfig(file: ConfigFile, source?: string): ResolvedConfig {
  const rules = new Map<string, RuleSetting>();
  for (const [id, setting] of Object.entries(file.rules ?? {})) {
    if (setting === 'off') rules.set(id, { enabled: false });
    else if (setting === 'on') rules.set(id, { enabled: true });
    else if (typeof setting === 'string') rules.set(id, { enabled: true, severity: setting });
    else rules.set(id, { enabled: setting.enabled ?? true, ...(setting.severity ? { severity: setting.severity } : {}) });
  }
  return {
    failOn: file.failOn ?? 'high',
    rules,
    ignore: file.ignore ?? [],
    allowedRegistries: file.registries?.allowed ?? [],
    allowedSources: file.sources?.allowed ?? [],
    maxFileSize: parseSize(file.maxFileSize) ?? DEFAULT_MAX_FILE_SIZE,
    maxFindingsPerFile: file.maxFindingsPerFile ?? DEFAULT_MAX_FINDINGS_PER_FILE,
    docsBaseUrl: (file.docsBaseUrl ?? DEFAULT_DOCS_BASE_URL).replace(/\/+$/, ''),
    ...(file.verify ? { verify: resolveVerifyPaths(file.verify, source) } : {}),
    ...(file.images ? { images: file.images } : {}),
    ...(file.admission ? { admission: file.admission } : {}),
    ...(file.watch ? { watch: file.watch } : {}),
    ...(source ? { source } : {}),
  };
}

export const DEFAULT_CONFIG: ResolvedConfig = resolveConfig({});

function resolveVerifyPaths(verify: VerifyConfig, source: string | undefined): VerifyConfig {
  const base = source ? path.dirname(source) : '.';
  const resolve = (file: string): string => path.resolve(base, file);
  return {
    ...verify,
    ...(verify.trustedRoot ? { trustedRoot: resolve(verify.trustedRoot) } : {}),
    ...(verify.images ? { images: verify.images.map((entry) => (entry.keys ? { ...entry, keys: entry.keys.map(resolve) } : entry)) } : {}),
    ...(verify.commits ? { commits: resolveCommitPaths(verify.commits, resolve) } : {}),
  };
}

function resolveCommitPaths(commits: CommitsConfig, resolve: (file: string) => string): CommitsConfig {
  return {
    ...commits,
    ...(commits.allowedSigners ? { allowedSigners: resolve(commits.allowedSigners) } : {}),
    ...(commits.gpgKeyring ? { gpgKeyring: resolve(commits.gpgKeyring) } : {}),
  };
}

export function parseSize(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)$/i.exec(value);
  if (!match) return undefined;
  const units: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
  return Math.round(Number(match[1]) * (units[(match[2] ?? 'B').toUpperCase()] ?? 1));
}
