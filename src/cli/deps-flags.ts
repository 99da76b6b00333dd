import type { Command } from 'commander';
import type { ScanSettings } from '../engine/settings.js';
import { RampartError } from '../errors.js';
import type { DepsFlags } from './deps-command.js';
import type { VerifyFlags } from './verify-flags.js';

/** The dependency flags of `rampart scan`. */
export interface ScanDepsFlags {
  deps?: boolean;
  locked?: boolean;
  lock?: string;
  helmRepositories?: string;
  cacheDir?: string;
  keyring?: string;
  retries?: string;
  insecureRegistry?: string[];
  registryTimeout?: string;
}

export function addScanDepsOptions(command: Command): Command {
  return command
    .option('--deps', 'fetch every remote dependency (charts, remote bases, modules) and scan what they hold, reported at the line that pulls each in (network)')
    .option('--locked', 'with --deps: check rampart.lock: dependency-content-changed and dependency-not-locked')
    .option('--lock <file>', 'with --locked: the lock file (default: <path>/rampart.lock)')
    .option('--helm-repositories <file>', 'with --deps: Helm repositories.yaml for basic auth and @name repositories')
    .option('--cache-dir <dir>', 'with --deps: where fetched dependencies are kept')
    .option('--retries <count>', 'with --deps: retry a failed download this many times', '2')
    .option('--keyring <file>', 'with --deps: verify Helm chart provenance (.prov) with these OpenPGP public keys');
}

export interface DepsScanOptions {
  readonly settings?: Pick<ScanSettings, 'deps'>;
  readonly capabilities?: ReadonlySet<'deps'>;
  close(): Promise<void>;
}

/** With `--deps`: one fetching session for the scan and the `deps` capability. */
export async function depsScanOptions(flags: ScanDepsFlags & VerifyFlags): Promise<DepsScanOptions> {
  if (!flags.deps) {
    if (flags.locked) throw new RampartError('usage', '--locked needs --deps');
    return { close: async () => undefined };
  }
  // loaded only for --deps: fetching, archives and signature checks are most of a scan's code
  const [{ DependencySession }, { fetchFlagProblem, sessionOptions, signatureFlags }] = await Promise.all([import('../deps/session.js'), import('./deps-command.js')]);
  const depsFlags: DepsFlags = {
    ...(flags.insecureRegistry ? { insecureRegistry: flags.insecureRegistry } : {}),
    timeout: flags.registryTimeout === undefined || flags.registryTimeout === '10' ? '30' : flags.registryTimeout,
    ...(flags.retries ? { retries: flags.retries } : {}),
    ...(flags.helmRepositories ? { helmRepositories: flags.helmRepositories } : {}),
    ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
    ...(flags.keyring ? { keyring: flags.keyring } : {}),
    ...signatureFlags(flags),
  };
  const problem = fetchFlagProblem(depsFlags);
  if (problem) throw new RampartError('usage', problem);
  const session = await DependencySession.open(sessionOptions(depsFlags));
  return {
    settings: { deps: { session, locked: flags.locked === true, ...(flags.lock ? { lockPath: flags.lock } : {}) } },
    capabilities: new Set(['deps'] as const),
    close: () => session.close(),
  };
}
