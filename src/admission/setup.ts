import type { ResolvedConfig } from '../config/schema.js';
import type { ScanSettings, VerifySettings } from '../engine/settings.js';
import { RampartError } from '../errors.js';
import type { Severity } from '../model/severity.js';
import type { Rule } from '../rules/rule.js';
import type { JudgeOptions, RuleMode } from './judge.js';
import { parseLabelSelector, SelectorError, type Requirement } from './label-selector.js';
import type { CacheName } from './image-checks.js';

/** Image signature flags of `serve admission --verify`: paths and patterns only, so a worker thread can get them. */
export interface AdmissionVerifyFlags {
  /** trusted signers, as `scan --verify` takes them (keys, identities, trusted root) */
  readonly signers: VerifySettings;
  readonly insecureRegistries?: readonly string[];
  readonly tagCacheMs?: number;
  readonly verifiedCacheMs?: number;
}

/** Everything that decides how objects are judged, as plain data (the flags; the config is read from `configFile`). */
export interface JudgeSetup {
  readonly cwd: string;
  readonly configFile?: string;
  readonly failOn?: Severity | 'none';
  readonly excludeNamespaces: readonly string[];
  readonly namespaces?: readonly string[];
  readonly warn?: readonly string[];
  readonly audit?: readonly string[];
  readonly objectSelector?: string;
  readonly verify?: AdmissionVerifyFlags;
}

export interface PreparedJudge {
  readonly options: JudgeOptions;
  close(): Promise<void>;
}

/** Reads the config, checks rule ids and the selector, and opens the signature session: the same in every thread. */
export async function prepareJudge(setup: JudgeSetup, onCacheLookup: (cache: CacheName, hit: boolean) => void): Promise<PreparedJudge> {
  const { loadConfig } = await import('../config/load.js');
  const { checkRuleIds } = await import('../scan.js');
  const { RULES } = await import('../rules/index.js');
  const config = await loadConfig(setup.cwd, setup.configFile);
  checkRuleIds(config, RULES, undefined);
  const modes = ruleModes(config, setup, RULES);
  const selectorText = setup.objectSelector ?? config.admission?.objectSelector;
  const objectSelector = selectorText === undefined ? undefined : selector(selectorText, setup.objectSelector !== undefined ? '--object-selector' : `${config.source ?? 'config'}: admission.objectSelector`);
  const verifying = setup.verify ? await verifySession(setup.verify, config, onCacheLookup) : undefined;
  return {
    options: {
      config,
      rules: RULES,
      failOn: setup.failOn ?? config.failOn,
      excludeNamespaces: new Set(setup.excludeNamespaces),
      ...(setup.namespaces ? { namespaces: new Set(setup.namespaces) } : {}),
      ...(modes.size > 0 ? { modes } : {}),
      ...(objectSelector ? { objectSelector } : {}),
      ...(verifying ? { settings: verifying.settings } : {}),
    },
    close: async () => verifying?.close(),
  };
}

/** `admission.warn` / `admission.audit` of the config, then the flags; audit wins over warn for a rule named in both. */
function ruleModes(config: ResolvedConfig, setup: JudgeSetup, rules: readonly Rule[]): Map<string, RuleMode> {
  const known = new Set(rules.map((rule) => rule.id));
  const modes = new Map<string, RuleMode>();
  const add = (ids: readonly string[] | undefined, mode: RuleMode, where: string): void => {
    const unknown = (ids ?? []).filter((id) => !known.has(id));
    if (unknown.length > 0) throw new RampartError(where.startsWith('--') ? 'usage' : 'config-invalid', `${where}: unknown rule id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (see \`rampart rules\`)`);
    for (const id of ids ?? []) if (modes.get(id) !== 'audit') modes.set(id, mode);
  };
  const source = config.source ?? 'config';
  add(config.admission?.warn, 'warn', `${source}: admission.warn`);
  add(setup.warn, 'warn', '--warn');
  add(config.admission?.audit, 'audit', `${source}: admission.audit`);
  add(setup.audit, 'audit', '--audit');
  return modes;
}

function selector(text: string, where: string): Requirement[] {
  try {
    return parseLabelSelector(text);
  } catch (error) {
    if (error instanceof SelectorError) throw new RampartError(where.startsWith('--') ? 'usage' : 'config-invalid', `${where}: ${error.message}`);
    throw error;
  }
}

/** `--verify`: policies loaded once, a registry client kept open, and caches in front of both. */
async function verifySession(flags: AdmissionVerifyFlags, config: ResolvedConfig, onCacheLookup: (cache: CacheName, hit: boolean) => void): Promise<{ settings: ScanSettings; close(): Promise<void> }> {
  const [{ HttpRegistryClient }, { loadImagePolicies }, { CachedImageChecks, DEFAULT_LIFETIMES }] = await Promise.all([
    import('../resolve/registry-client.js'),
    import('../verify/image/scan-policies.js'),
    import('./image-checks.js'),
  ]);
  const verify = { ...flags.signers, images: true };
  const policies = await loadImagePolicies(verify, config.verify).catch((error: unknown) => {
    throw new RampartError('usage', error instanceof Error ? error.message : String(error));
  });
  const client = new HttpRegistryClient({ insecureRegistries: flags.insecureRegistries ?? [], memoize: false });
  const lifetimes = {
    ...DEFAULT_LIFETIMES,
    ...(flags.tagCacheMs !== undefined ? { tag: flags.tagCacheMs } : {}),
    ...(flags.verifiedCacheMs !== undefined ? { verified: flags.verifiedCacheMs } : {}),
  };
  const session = new CachedImageChecks(client, policies, lifetimes, onCacheLookup);
  return { settings: { verify: { ...verify, session } }, close: async () => client.close() };
}
