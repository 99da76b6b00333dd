import { performance } from 'node:perf_hooks';
import { loadConfig } from './config/load.js';
import type { ResolvedConfig } from './config/schema.js';
import { enabledRules, runRules, type RunOptions } from './engine/run.js';
import { RampartError } from './errors.js';
import type { ScanReport } from './report/report.js';
import type { Rule } from './rules/rule.js';
import { loadRules, RULE_INDEX, rulesWithInput } from './rules/rule-index.js';
import { readGitRemotes } from './sources/git-remotes.js';
import { loadWorkspace } from './sources/load-workspace.js';
import { loadWorkspaceParsing, type Workspace } from './model/workspace-core.js';
import { resolveScanTarget } from './sources/scan-target.js';
import { VERSION } from './version.js';

export interface ScanOptions extends RunOptions {
  readonly configPath?: string;
  /** the directory the files `configPath` names must stay within (a repository config read at a change's base) */
  readonly configWithin?: string;
  /** overrides the config's failOn */
  readonly failOn?: ResolvedConfig['failOn'];
  readonly rules?: readonly Rule[];
  /** overrides the config's maxFileSize (`--max-file-size`) */
  readonly maxFileSize?: number;
}

/** The whole of `rampart scan` short of printing: load config, read the tree, run rules. */
export async function scan(root: string, options: ScanOptions = {}): Promise<{ report: ScanReport; config: ResolvedConfig }> {
  const started = performance.now();
  const target = resolveScanTarget(root);
  const absoluteRoot = target.root;
  const loaded = await loadConfig(absoluteRoot, options.configPath, options.configWithin);
  const config = options.maxFileSize === undefined ? loaded : { ...loaded, maxFileSize: options.maxFileSize };
  checkRuleIds(config, options.rules ?? RULE_INDEX, options.only);
  const { workspace, stats } = await loadWorkspace(absoluteRoot, { ignore: config.ignore, maxFileSize: config.maxFileSize, ...(target.file ? { file: target.file } : {}), parsersWhenNeeded: true });
  // only the check code of the rules that will run, and have something to read, is loaded
  const selection = withVerifyFromConfig(config, options);
  const rules = options.rules ?? await loadRules(rulesWithInput(enabledRules(RULE_INDEX, config, selection), workspace.files.length, selection.capabilities));
  if (parses(workspace, rules)) await loadWorkspaceParsing();
  const remotes = options.settings?.repository?.remotes ?? await readGitRemotes(absoluteRoot);
  // the commit policy's code (sigstore, keys) only when the flags or the config ask to verify
  const verify = options.settings?.verify || config.verify
    ? (await import('./verify/commit-policy.js')).withConfigCommitPolicy(options.settings?.verify, config.verify, config.source, config.namedFilesWithin)
    : undefined;
  const { capabilities } = withVerifyFromConfig(config, options);
  const deps = options.settings?.deps;
  const result = await runRules(workspace, config, rules, {
    ...options,
    ...(deps && capabilities?.has('deps') ? { extraFindings: async (active: readonly Rule[]) => (await import('./deps/analyse.js')).analyseDependencies(workspace, config, active, deps) } : {}),
    ...(capabilities ? { capabilities } : {}),
    settings: { ...options.settings, ...(verify ? { verify } : {}), repository: { remotes } },
  });
  const report: ScanReport = {
    toolVersion: VERSION,
    root,
    findings: result.findings,
    diagnostics: result.diagnostics,
    complete: result.complete,
    suppressed: result.suppressed,
    rules: result.rulesRun,
    failOn: options.failOn ?? config.failOn,
    docsBaseUrl: config.docsBaseUrl,
    stats: { ...stats, durationMs: performance.now() - started },
  };
  return { report, config };
}

/**
 * Whether the rules will read what the YAML and HCL parsers and the image extractors make: not when
 * there is nothing to read, nor when only the secrets layer runs over files none of which is YAML
 * (it parses the manifests that declare a Secret, and nothing else).
 */
function parses(workspace: Workspace, rules: readonly Rule[]): boolean {
  if (workspace.files.length === 0) return false;
  return rules.some((rule) => rule.layer !== 'secrets') || workspace.manifestFiles().length > 0;
}

/** `verify.commits` in the config checks commits on every scan, no flag needed. */
function withVerifyFromConfig(config: ResolvedConfig, options: ScanOptions): Pick<RunOptions, 'only' | 'capabilities'> {
  const capabilities = config.verify?.commits ? new Set([...(options.capabilities ?? []), 'verify' as const]) : options.capabilities;
  return { ...(options.only ? { only: options.only } : {}), ...(capabilities ? { capabilities } : {}) };
}

export function checkRuleIds(config: ResolvedConfig, rules: readonly Pick<Rule, 'id'>[], only: readonly string[] | undefined): void {
  const known = new Set(rules.map((rule) => rule.id));
  const unknown = [...config.rules.keys()].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new RampartError('config-invalid', `${config.source ?? 'config'}: unknown rule id${unknown.length > 1 ? 's' : ''} under rules: ${unknown.join(', ')} (see \`rampart rules\`)`);
  }
  const unknownOnly = (only ?? []).filter((id) => !known.has(id));
  if (unknownOnly.length > 0) throw new RampartError('usage', `unknown rule id: ${unknownOnly.join(', ')} (see \`rampart rules\`)`);
}
