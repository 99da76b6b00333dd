import { append } from '../append.js';
import type { ResolvedConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import { severityRank, type Severity } from '../model/severity.js';
import type { SourceFile } from '../model/source-file.js';
import type { Span } from '../model/span.js';
import type { Workspace } from '../model/workspace.js';
import { formatMessage, type ReportDescriptor, type Rule, type RuleContext } from '../rules/rule.js';
import { omittedNote } from '../secrets/finding-cap.js';
import { BATCH_BYTES, checkInBatches } from './batches.js';
import { fingerprint } from './fingerprint.js';
import type { ScanSettings } from './settings.js';
import { findSuppressions, suppresses, type Suppression } from './suppress.js';
import { addsLine, type ChangeUnderReview } from '../sources/git/change-under-review.js';

export interface RunResult {
  readonly findings: Finding[];
  readonly suppressed: number;
  readonly diagnostics: Diagnostic[];
  /** false when a file that should have been checked was not, or a rule failed */
  readonly complete: boolean;
  readonly rulesRun: readonly Rule[];
}

export interface RunOptions {
  /** rule ids asked for on the command line; the rest do not run */
  readonly only?: readonly string[];
  /** capabilities this run has: rules that require others are left out */
  readonly capabilities?: ReadonlySet<'resolve' | 'history' | 'verify' | 'forge' | 'deps'>;
  readonly settings?: ScanSettings;
  /** findings made outside the rules (what fetched dependencies hold, `scan --deps`), given the rules that run */
  readonly extraFindings?: (active: readonly Rule[]) => Promise<{ findings: Finding[]; diagnostics: Diagnostic[] }>;
  /** leave `rampart-ignore` comments of the tree unapplied (a fetched dependency must not hide its own findings) */
  readonly ignoreSuppressions?: boolean;
  /** work done once per scan that reports findings of several rules (the images a repository deploys) */
  readonly passes?: readonly ScanPass[];
  /** text per batch when a large tree is checked batch by batch (tests set it small) */
  readonly batchBytes?: number;
}

export interface PassContext {
  readonly workspace: Workspace;
  readonly config: ResolvedConfig;
  readonly settings: ScanSettings;
  /** the rules this run has enabled: findings of any other rule are dropped */
  readonly enabled: ReadonlySet<string>;
  reportFinding(finding: Finding): void;
  diagnose(diagnostic: Diagnostic): void;
}

/**
 * A scan-wide step whose findings come with their fingerprints and locations. Suppression comments
 * apply to them; the per-file cap does not (one manifest line may deploy an image with many findings).
 */
export interface ScanPass {
  readonly name: string;
  run(context: PassContext): Promise<void>;
}

const SNIPPET_MAX = 240;
/** findings about suppressions and the scan's own policy: a `rampart-ignore` must not hide them */
const UNSUPPRESSIBLE = new Set(['suppression-missing-reason', 'suppression-in-change', 'scan-policy-changed']);

const enabledMemo = new WeakMap<readonly Selectable[], WeakMap<ResolvedConfig, Map<string, Selectable[]>>>();

/** A rule, or its catalogue entry: what decides whether it runs. */
type Selectable = Pick<Rule, 'id' | 'requires'>;

export function enabledRules<R extends Selectable>(rules: readonly R[], config: ResolvedConfig, options: RunOptions = {}): R[] {
  // The admission webhook runs the same rules under the same config for every request.
  if (options.only) return filterEnabled(rules, config, options);
  let byConfig = enabledMemo.get(rules);
  if (!byConfig) enabledMemo.set(rules, (byConfig = new WeakMap()));
  let byCapabilities = byConfig.get(config);
  if (!byCapabilities) byConfig.set(config, (byCapabilities = new Map()));
  const key = [...(options.capabilities ?? [])].sort().join(',');
  let enabled = byCapabilities.get(key);
  if (!enabled) byCapabilities.set(key, (enabled = filterEnabled(rules, config, options)));
  return [...enabled] as R[];
}

function filterEnabled<R extends Selectable>(rules: readonly R[], config: ResolvedConfig, options: RunOptions): R[] {
  return rules.filter((rule) => {
    if (options.only && !options.only.includes(rule.id)) return false;
    // watch rules judge cluster records, which only `rampart watch` reads
    if (rule.requires && (rule.requires === 'watch' || !options.capabilities?.has(rule.requires))) return false;
    return config.rules.get(rule.id)?.enabled ?? true;
  });
}

/** Runs rules over a workspace: findings with locations and fingerprints, suppressions applied. */
export async function runRules(workspace: Workspace, config: ResolvedConfig, rules: readonly Rule[], options: RunOptions = {}): Promise<RunResult> {
  const active = enabledRules(rules, config, options);
  const raw: Finding[] = [];
  const ruleDiagnostics: Diagnostic[] = [];
  const contextFor = (target: Workspace, rule: Rule): RuleContext => ({
    workspace: target,
    config,
    settings: options.settings ?? {},
    report: (descriptor) => {
      // located in the whole workspace: a batch holds only some of the files
      const finding = buildFinding(workspace, config, rule, descriptor);
      if (finding) raw.push(finding);
    },
    reportFinding: (finding) => raw.push(finding),
  });
  const failed = (rule: Rule, error: unknown): void => {
    ruleDiagnostics.push({ path: '.', message: `rule ${rule.id} failed: ${errorMessage(error)}`, kind: 'incomplete' });
  };
  const carried = new Map<Rule, unknown>();
  for (const rule of active) if (rule.carried) carried.set(rule, rule.carried());
  const check = async (target: Workspace, some: readonly Rule[]): Promise<void> => {
    for (const rule of some) {
      try {
        const pending = rule.check(contextFor(target, rule), carried.get(rule));
        if (pending) await pending;
      } catch (error) {
        failed(rule, error);
      }
    }
  };
  const batched = inBatches(workspace, options);
  const batchDiagnostics = batched ? await checkInBatches(workspace, active, check, options.batchBytes) : [];
  if (!batched) await check(workspace, active);
  for (const rule of active) {
    try {
      rule.finish?.(contextFor(workspace, rule), carried.get(rule));
    } catch (error) {
      failed(rule, error);
    }
  }
  if (options.extraFindings) {
    try {
      const extra = await options.extraFindings(active);
      append(raw, extra.findings);
      append(ruleDiagnostics, extra.diagnostics);
    } catch (error) {
      ruleDiagnostics.push({ path: '.', message: `dependency analysis failed: ${errorMessage(error)}`, kind: 'incomplete' });
    }
  }
  const passed = await runPasses(workspace, config, active, options, ruleDiagnostics);
  const hiddenBy = new Map<Suppression, Finding[]>();
  const { kept, suppressed } = options.ignoreSuppressions ? { kept: raw, suppressed: 0 } : applySuppressions(workspace, raw, hiddenBy);
  const { kept: passKept, suppressed: passSuppressed } = options.ignoreSuppressions ? { kept: passed, suppressed: 0 } : applySuppressions(workspace, passed, hiddenBy);
  const review = options.settings?.history?.review;
  const addedRule = review ? active.find((rule) => rule.id === SUPPRESSION_IN_CHANGE) : undefined;
  if (review && addedRule && !options.ignoreSuppressions) kept.push(...suppressionsInChange(workspace, config, addedRule, review, hiddenBy));
  const { listed, notes } = capPerFile(assignFingerprints(kept).sort(compareFindings), config.maxFindingsPerFile);
  const findings = passKept.length > 0 ? [...listed, ...passKept].sort(compareFindings) : listed;
  const diagnostics = [...workspace.diagnostics, ...notYetIn(workspace.diagnostics, batchDiagnostics), ...(batched ? once(ruleDiagnostics) : ruleDiagnostics), ...notes].sort((a, b) => a.path.localeCompare(b.path) || (a.line ?? 0) - (b.line ?? 0));
  return {
    findings,
    suppressed: suppressed + passSuppressed,
    diagnostics,
    complete: !diagnostics.some((diagnostic) => diagnostic.kind === 'incomplete'),
    rulesRun: active,
  };
}

/**
 * A plain scan of a tree larger than one batch goes batch by batch (see batches.ts). Scans that look
 * beyond the tree (registries, history, signatures, fetched dependencies, image passes) keep the
 * whole tree at hand: their rules share lookups across it.
 */
function inBatches(workspace: Workspace, options: RunOptions): boolean {
  if ((options.capabilities?.size ?? 0) > 0 || (options.passes?.length ?? 0) > 0 || options.extraFindings) return false;
  const limit = options.batchBytes ?? BATCH_BYTES;
  let size = 0;
  for (const file of workspace.files) {
    size += file.text.length;
    if (size > limit) return true;
  }
  return false;
}

/** The diagnostics of `added` that `present` does not already hold (a batch and the whole tree report a file's YAML errors alike). */
function notYetIn(present: readonly Diagnostic[], added: readonly Diagnostic[]): Diagnostic[] {
  const counts = new Map<string, number>();
  for (const diagnostic of present) counts.set(diagnosticKey(diagnostic), (counts.get(diagnosticKey(diagnostic)) ?? 0) + 1);
  return added.filter((diagnostic) => {
    const key = diagnosticKey(diagnostic);
    const count = counts.get(key) ?? 0;
    if (count === 0) return true;
    counts.set(key, count - 1);
    return false;
  });
}

/** A rule that failed in several batches is reported once. */
function once(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const key = diagnosticKey(diagnostic);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function diagnosticKey(diagnostic: Diagnostic): string {
  return `${diagnostic.path}\0${diagnostic.line ?? ''}\0${diagnostic.column ?? ''}\0${diagnostic.kind}\0${diagnostic.message}`;
}

async function runPasses(workspace: Workspace, config: ResolvedConfig, active: readonly Rule[], options: RunOptions, diagnostics: Diagnostic[]): Promise<Finding[]> {
  const found: Finding[] = [];
  if (!options.passes?.length) return found;
  const enabled = new Set(active.map((rule) => rule.id));
  for (const pass of options.passes) {
    try {
      await pass.run({
        workspace,
        config,
        settings: options.settings ?? {},
        enabled,
        reportFinding: (finding) => { if (enabled.has(finding.ruleId)) found.push(finding); },
        diagnose: (diagnostic) => diagnostics.push(diagnostic),
      });
    } catch (error) {
      diagnostics.push({ path: '.', message: `${pass.name} failed: ${errorMessage(error)}`, kind: 'incomplete' });
    }
  }
  return found;
}

interface PendingFinding extends Finding {
  readonly subject: string;
}

function buildFinding(workspace: Workspace, config: ResolvedConfig, rule: Rule, descriptor: ReportDescriptor): PendingFinding | undefined {
  const file = workspace.file(descriptor.at.path);
  const template = rule.messages[descriptor.messageId];
  if (template === undefined) throw new Error(`rule ${rule.id} reported unknown message id ${descriptor.messageId}`);
  const location = locate(file, descriptor.at);
  const severity: Severity = config.rules.get(rule.id)?.severity ?? descriptor.severity ?? rule.severity;
  return {
    ruleId: rule.id,
    layer: rule.layer,
    severity,
    message: formatMessage(template, descriptor.data),
    remediation: rule.remediation,
    docs: `${config.docsBaseUrl}/${rule.id}.md`,
    location,
    snippet: descriptor.snippet ?? (file ? snippetOf(file, location.line) : ''),
    fingerprint: '',
    subject: descriptor.subject ?? (file ? file.text.slice(descriptor.at.start, descriptor.at.end) : ''),
    span: descriptor.at,
    ...(descriptor.fix ? { fix: descriptor.fix } : {}),
    ...(descriptor.properties ? { properties: descriptor.properties } : {}),
  };
}

export function locate(file: SourceFile | undefined, span: Span): Finding['location'] {
  if (!file) return { path: span.path, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const start = file.position(span.start);
  const end = file.position(Math.max(span.end, span.start));
  return { path: span.path, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

function snippetOf(file: SourceFile, line: number): string {
  const text = file.lineText(line);
  return text.length > SNIPPET_MAX ? `${text.slice(0, SNIPPET_MAX)}…` : text;
}

/** The first `cap` findings of each rule in each file (findings sorted by place); the rest counted in notes. */
function capPerFile(findings: readonly Finding[], cap: number): { listed: Finding[]; notes: Diagnostic[] } {
  const counts = new Map<string, number>();
  const listed: Finding[] = [];
  for (const finding of findings) {
    const key = `${finding.ruleId}\0${finding.location.path}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    if (count <= cap) listed.push(finding);
  }
  const notes: Diagnostic[] = [];
  for (const [key, count] of counts) {
    if (count <= cap) continue;
    const [ruleId = '', path = ''] = key.split('\0');
    notes.push({ path, message: omittedNote(ruleId, count - cap, cap), kind: 'note' });
  }
  return { listed, notes };
}

function applySuppressions(workspace: Workspace, findings: Finding[], hiddenBy: Map<Suppression, Finding[]>): { kept: Finding[]; suppressed: number } {
  const suppressionsOf = (path: string): Suppression[] => suppressionsIn(workspace, path);
  const kept: Finding[] = [];
  let suppressed = 0;
  for (const finding of findings) {
    const by = !UNSUPPRESSIBLE.has(finding.ruleId)
      && (finding.properties?.['commit'] === undefined || finding.properties?.['inWorkingTree'] === true)
      ? suppressionsOf(finding.location.path).filter((suppression) => suppresses(suppression, finding.ruleId, finding.location.line))
      : [];
    for (const suppression of by) hiddenBy.set(suppression, [...(hiddenBy.get(suppression) ?? []), finding]);
    if (by.length > 0) suppressed += 1;
    else kept.push(finding);
  }
  return { kept, suppressed };
}

/** The directives of a file, parsed once per workspace (the same objects each time: `hiddenBy` is keyed by them). */
function suppressionsIn(workspace: Workspace, path: string): Suppression[] {
  const byFile = workspace.derived('suppressions', () => new Map<string, Suppression[]>());
  let list = byFile.get(path);
  if (!list) {
    const file = workspace.file(path);
    list = file ? findSuppressions(file) : [];
    byFile.set(path, list);
  }
  return list;
}

const SUPPRESSION_IN_CHANGE = 'suppression-in-change';

/**
 * Each `rampart-ignore` that the change under review (`--since`, `--range`) adds, or that hides a
 * finding on a line the change adds (an old directive above a line the change rewrote), with what
 * it hides: reported at the severity of the most severe of those findings, so that a pull request
 * cannot turn the gate green by silencing it (a `rules:` severity in the base's config still wins),
 * and at low when it hides nothing yet.
 */
function suppressionsInChange(workspace: Workspace, config: ResolvedConfig, rule: Rule, review: ChangeUnderReview, hiddenBy: ReadonlyMap<Suppression, Finding[]>): Finding[] {
  const found: Finding[] = [];
  for (const file of workspace.files) {
    if (!review.addedLines.has(file.path)) continue;
    for (const suppression of suppressionsIn(workspace, file.path)) {
      const added = addsLine(review, file.path, suppression.line);
      const all = hiddenBy.get(suppression) ?? [];
      const hidden = added ? all : all.filter((finding) => addsLine(review, finding.location.path, finding.location.line));
      if (!added && hidden.length === 0) continue;
      const severity = hidden.reduce<Severity>((worst, finding) => (severityRank(finding.severity) > severityRank(worst) ? finding.severity : worst), 'low');
      const rules = [...new Set(hidden.map((finding) => finding.ruleId))].sort();
      const finding = buildFinding(workspace, config, rule, {
        messageId: !added ? 'reused' : hidden.length > 0 ? 'added' : 'addedHidesNothing',
        at: file.span(suppression.start, suppression.end),
        data: { count: hidden.length, rules: rules.join(', ') || suppression.ruleIds.join(', '), severity, base: review.baseName },
        subject: `${suppression.ruleIds.join(',')}\0${suppression.reason ?? ''}`,
        severity,
        properties: { hiddenFindings: hidden.length, directiveAdded: added },
      });
      if (finding) found.push(finding);
    }
  }
  return found;
}

function assignFingerprints(findings: Finding[]): Finding[] {
  const ordered = [...findings].sort(compareFindings);
  const seen = new Map<string, number>();
  return ordered.map((finding) => {
    if (finding.fingerprint !== '') return stripSubject(finding);
    const subject = (finding as PendingFinding).subject ?? '';
    const key = `${finding.ruleId}\0${finding.location.path}\0${subject}`;
    const ordinal = seen.get(key) ?? 0;
    seen.set(key, ordinal + 1);
    return { ...stripSubject(finding), fingerprint: fingerprint(finding.ruleId, finding.location.path, subject, ordinal) };
  });
}

function stripSubject(finding: Finding): Finding {
  const { subject: _subject, ...rest } = finding as PendingFinding;
  return rest;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.location.path, b.location.path)
    || a.location.line - b.location.line
    || a.location.column - b.location.column
    || compareText(a.ruleId, b.ruleId);
}

export { shouldFail } from './should-fail.js';

export { countBySeverity } from './count-by-severity.js';

export function highestSeverity(findings: readonly Finding[]): Severity | undefined {
  let best: Severity | undefined;
  for (const finding of findings) if (!best || severityRank(finding.severity) > severityRank(best)) best = finding.severity;
  return best;
}
