import type { Command } from 'commander';
import { describeError } from '../errors.js';
import { buildLock, writeLock } from '../deps/lock.js';
import type { DependencyRun } from '../deps/run-deps.js';
import { DependencySession, defaultLockPath, loadRepository, type DependencySignatures } from '../deps/session.js';
import { checkInsecureRegistry } from '../resolve/endpoint.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { EXIT, type ExitCode } from './exit.js';
import { listParser } from './list-option.js';
import type { CommandRegistrar } from './main.js';
import { createProgress } from './progress.js';
import { writeOutput } from './write-output.js';
import type { VerifyFlags } from './verify-flags.js';
import { secondsProblem } from './seconds-option.js';

export interface DepsFlags extends Pick<VerifyFlags, typeof SIGNATURE_FLAGS[number]> {
  insecureRegistry?: string[];
  timeout?: string;
  retries?: string;
  helmRepositories?: string;
  cacheDir?: string;
  keyring?: string;
  lock?: string;
  config?: string;
  format?: string;
  quiet?: boolean;
  debug?: boolean;
}

const SIGNATURE_FLAGS = ['key', 'certificateIdentity', 'certificateIdentityRegexp', 'certificateOidcIssuer', 'certificateOidcIssuerRegexp', 'trustedRoot', 'insecureIgnoreTlog', 'allowedSigners', 'gpgKeyring'] as const;

/** Trust for signed dependencies on `deps` subcommands (`scan` has these flags already, for images and commits). */
function addSignatureOptions(command: Command): Command {
  return command
    .option('--key <file>', 'verify cosign signatures of OCI charts with this public key (PEM) and lock the signer (repeat for more)', listParser(undefined, false))
    .option('--certificate-identity <identity>', 'keyless cosign signatures of OCI charts: the exact signer identity')
    .option('--certificate-identity-regexp <regexp>', 'keyless: a regular expression the signer identity must match')
    .option('--certificate-oidc-issuer <url>', 'keyless: the exact OIDC issuer')
    .option('--certificate-oidc-issuer-regexp <regexp>', 'keyless: a regular expression the OIDC issuer must match')
    .option('--trusted-root <file>', 'Sigstore trusted_root.json for keyless signatures and transparency log entries')
    .option('--insecure-ignore-tlog', 'accept key-based chart signatures without a transparency log entry')
    .option('--allowed-signers <file>', 'check the signed tag and commit of git dependencies with these OpenSSH allowed_signers and lock the signer')
    .option('--gpg-keyring <file>', 'check the signed tag and commit of git dependencies with these exported OpenPGP keys and lock the signer');
}

/** The flags every `deps` subcommand (and `scan --deps`) takes for fetching. */
export function addFetchOptions(command: Command, prefix = ''): Command {
  return command
    .option(`--${prefix}insecure-registry <host>`, 'reach this registry (HOST or HOST:PORT) over plain HTTP (repeat, or HOST,HOST…)', listParser())
    .option(`--${prefix}timeout <seconds>`, 'give up on one request after this long', '30')
    .option('--retries <count>', 'retry a failed download this many times', '2')
    .option('--helm-repositories <file>', 'Helm repositories.yaml: basic auth for chart repositories and @name repositories')
    .option('--cache-dir <dir>', 'where fetched dependencies are kept (default $XDG_CACHE_HOME/rampart/deps or ~/.cache/rampart/deps)')
    .option('--keyring <file>', 'verify Helm chart provenance (.prov) with these exported OpenPGP public keys and lock the signer');
}

export const registerDepsCommand: CommandRegistrar = (program: Command, setExit) => {
  const deps = program.command('deps').description('fetch, lock and verify the remote dependencies GitOps config pulls (charts, remote bases, modules)');
  const subcommand = (name: string, description: string): Command => addSignatureOptions(addFetchOptions(deps.command(name).description(description)))
    .argument('[path]', 'repository', '.')
    .option('-c, --config <file>', 'configuration file (default: <path>/.rampart.yaml)')
    .option('-q, --quiet', 'no progress or notes')
    .option('--debug', 'show stack traces for errors');
  subcommand('fetch', 'fetch every remote dependency, recursively, into the cache; print what each resolved to')
    .action(async (root: string, flags: DepsFlags) => setExit(await runDepsCommand(root, flags, 'fetch')));
  subcommand('lock', 'fetch every remote dependency and write rampart.lock with the content each resolved to')
    .option('--lock <file>', 'lock file to write (default: <path>/rampart.lock)')
    .action(async (root: string, flags: DepsFlags) => setExit(await runDepsCommand(root, flags, 'lock')));
  subcommand('verify', 'fetch every remote dependency again and compare with rampart.lock (dependency-content-changed, dependency-not-locked)')
    .option('--lock <file>', 'lock file to check against (default: <path>/rampart.lock)')
    .option('-f, --format <format>', 'output format (as for scan)', 'text')
    .action(async (root: string, flags: DepsFlags) => {
      const { runScan } = await import('./scan-command.js');
      setExit(await runScan(root, {
        deps: true, locked: true, rule: [...LOCK_RULES], format: flags.format ?? 'text', registryTimeout: flags.timeout ?? '30',
        ...(flags.insecureRegistry ? { insecureRegistry: flags.insecureRegistry } : {}),
        ...(flags.retries ? { retries: flags.retries } : {}),
        ...(flags.helmRepositories ? { helmRepositories: flags.helmRepositories } : {}),
        ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
        ...(flags.keyring ? { keyring: flags.keyring } : {}),
        ...signatureFlags(flags),
        ...(flags.lock ? { lock: flags.lock } : {}),
        ...(flags.config ? { config: flags.config } : {}),
        ...(flags.quiet ? { quiet: true } : {}),
        ...(flags.debug ? { debug: true } : {}),
      }));
    });
};

const LOCK_RULES = ['dependency-content-changed', 'dependency-not-locked', 'dependency-lock-stale'] as const;

export async function runDepsCommand(root: string, flags: DepsFlags, action: 'fetch' | 'lock'): Promise<ExitCode> {
  const usage = fetchFlagProblem(flags);
  if (usage) {
    process.stderr.write(`rampart: ${usage}\n`);
    return EXIT.error;
  }
  const progress = createProgress({ label: 'fetching', quiet: flags.quiet === true });
  let session: DependencySession | undefined;
  try {
    session = await DependencySession.open({ ...sessionOptions(flags), onProgress: (_done, total) => { progress.setTotal(total); progress.tick(); } });
    const repository = await loadRepository(root, flags.config);
    const run = await session.run(repository.workspace);
    progress.done();
    const failed = reportRun(run, flags.quiet === true);
    if (action === 'fetch') {
      await writeOutput(fetchListing(run), undefined);
    } else if (failed === 0) {
      const file = flags.lock ?? defaultLockPath(repository.root);
      const lock = buildLock(run.references);
      await writeLock(file, lock);
      if (!flags.quiet) process.stderr.write(`rampart: wrote ${terminalSafe(file)} (${lock.entries.size} dependencies)\n`);
    } else {
      process.stderr.write('rampart: rampart.lock not written: some dependencies could not be fetched\n');
    }
    if (!flags.quiet) process.stderr.write(`rampart: ${run.fetched.size} unique dependencies from ${run.references.length} references, ${session.fetcher.downloads} downloaded\n`);
    return failed > 0 ? EXIT.error : EXIT.ok;
  } catch (error) {
    progress.done();
    process.stderr.write(`rampart: ${describeError(error, flags.debug === true)}\n`);
    return EXIT.error;
  } finally {
    await session?.close();
  }
}

export function fetchFlagProblem(flags: DepsFlags): string | undefined {
  const badHost = (flags.insecureRegistry ?? []).map(checkInsecureRegistry).find((problem) => problem !== undefined);
  if (badHost) return badHost;
  const timeoutProblem = secondsProblem('--timeout', flags.timeout ?? '30');
  if (timeoutProblem) return timeoutProblem;
  const retries = Number(flags.retries ?? '2');
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) return `--retries expects a whole number from 0 to 10, not "${flags.retries ?? ''}"`;
  return undefined;
}

export function sessionOptions(flags: DepsFlags): Parameters<typeof DependencySession.open>[0] {
  return {
    insecureRegistries: flags.insecureRegistry ?? [],
    timeoutMs: Math.round(Number(flags.timeout ?? '30') * 1000),
    retries: Number(flags.retries ?? '2'),
    ...(flags.helmRepositories ? { helmRepositories: flags.helmRepositories } : {}),
    ...(flags.cacheDir ? { cacheDirectory: flags.cacheDir } : {}),
    ...(flags.keyring ? { keyring: flags.keyring } : {}),
    ...(Object.keys(signatureFlags(flags)).length > 0 ? { signatures: dependencySignatures(flags) } : {}),
  };
}

function dependencySignatures(flags: DepsFlags): DependencySignatures {
  const { key, insecureIgnoreTlog, ...rest } = signatureFlags(flags);
  return { ...rest, ...(key ? { keys: key } : {}), ...(insecureIgnoreTlog ? { insecureIgnoreTlog: true } : {}) };
}

/** The signature flags that were given, as flags. */
export function signatureFlags(flags: Pick<DepsFlags, typeof SIGNATURE_FLAGS[number]>): Pick<DepsFlags, typeof SIGNATURE_FLAGS[number]> {
  return Object.fromEntries(SIGNATURE_FLAGS.filter((name) => flags[name] !== undefined && flags[name] !== false).map((name) => [name, flags[name]]));
}

/** Failures and skipped references on stderr; the count of failures. */
export function reportRun(run: DependencyRun, quiet: boolean): number {
  let failed = 0;
  const seen = new Set<string>();
  for (const { reference, error } of run.references) {
    if (!error) continue;
    failed += 1;
    const line = `${reference.at.path}:${reference.line} ${reference.chain.join(' → ')}: ${error}`;
    if (seen.has(line)) continue;
    seen.add(line);
    process.stderr.write(`rampart: not fetched: ${terminalSafe(line)}\n`);
  }
  if (!quiet) for (const skip of run.skipped) process.stderr.write(`rampart: left out: ${terminalSafe(`${skip.path}:${skip.line} ${skip.reason}`)}\n`);
  return failed;
}

function fetchListing(run: DependencyRun): string {
  const lines: string[] = [];
  for (const { reference, fetched, depth } of run.references) {
    if (!fetched) continue;
    const content = fetched.content;
    const identity = content.commit ?? content.digest ?? content.sha256 ?? '';
    lines.push(`${'  '.repeat(depth)}${reference.at.path}:${reference.line} ${fetched.label}${content.version && !fetched.label.includes(content.version) ? ` (${content.version})` : ''} ${identity}`);
  }
  return lines.map((line) => `${terminalSafe(line)}\n`).join('');
}
