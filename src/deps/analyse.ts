import type { ResolvedConfig } from '../config/schema.js';
import { locate, runRules, type RunResult } from '../engine/run.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import { SourceFile } from '../model/source-file.js';
import type { Span } from '../model/span.js';
import { Workspace } from '../model/workspace.js';
import type { Rule } from '../rules/rule.js';
import { chainOf, checkDependencies, type DependencySettings } from './check.js';
import type { DependencyRun, ResolvedReference } from './run-deps.js';
import type { FetchedDependency } from './types.js';
import { LITERAL_PREFIX, LITERAL_RULES, literalTemplateCopies } from './literal-templates.js';
import { overlayValues } from './values-overlay.js';
import type { ResolvedValues } from './values-resolve.js';

/**
 * Rules about how the upstream repository itself is run (its CI, owners, lock files and comments),
 * not about what it deploys; the dependencies it pulls in are fetched and locked here anyway.
 */
const NOT_FOR_DEPENDENCIES = /^(?:workflow-|codeowners-missing$|suppression-missing-reason$|helm-lock-missing$|terraform-lock-missing$|action-not-pinned$|gitlab-include-unpinned$)/;

const VALUES_FILE = 'values.yaml';

interface InnerScan {
  readonly result: RunResult;
  /** byte ranges of values.yaml that the repository's values wrote (judged in the repository itself) */
  readonly overridden: ReadonlyArray<readonly [number, number]>;
  readonly withValues: boolean;
}

export interface DependencyAnalysis {
  readonly findings: Finding[];
  readonly diagnostics: Diagnostic[];
}

/**
 * `scan --deps`: every fetched dependency scanned with the rules of this scan (no network, its own
 * `rampart-ignore` comments ignored), each unique tree once, or once per set of values a
 * repository gives a chart. Each finding is reported at the repository line that pulls the
 * dependency in, with the chain down to the file and line inside it (`properties.dependency`).
 */
export async function analyseDependencies(workspace: Workspace, config: ResolvedConfig, active: readonly Rule[], settings: DependencySettings): Promise<DependencyAnalysis> {
  const rules = active.filter((rule) => !rule.requires && !NOT_FOR_DEPENDENCIES.test(rule.id));
  const analysis: DependencyAnalysis = { findings: [], diagnostics: [] };
  if (rules.length === 0) return analysis;
  const { run } = await checkDependencies(workspace, settings);
  const scans = new Map<string, Promise<InnerScan | undefined>>();
  const sites = new Set<string>();
  const notes = new Set<string>();
  for (const reference of run.references) {
    const at = reference.reference.at;
    if (reference.error) {
      analysis.diagnostics.push({ path: at.path, line: reference.reference.line, message: `${reference.reference.chain.join(' → ')} was not fetched, so what it holds was not checked: ${reference.error}`, kind: 'incomplete' });
      continue;
    }
    const fetched = reference.fetched;
    if (!fetched) continue;
    const site = `${reference.key}\0${at.path}\0${at.start}\0${reference.reference.chain.join('\0')}`;
    if (sites.has(site)) continue;
    sites.add(site);
    for (const note of reference.notes ?? []) {
      const message = `${chainOf(reference)}: ${note}`;
      if (!notes.has(message)) analysis.diagnostics.push({ path: at.path, line: reference.reference.line, message, kind: 'note' });
      notes.add(message);
    }
    const values = isChart(fetched) ? reference.values : undefined;
    const scanKey = `${fetched.directory}\0${values === undefined ? '' : JSON.stringify(values)}`;
    let pending = scans.get(scanKey);
    if (!pending) {
      pending = scanTree(run, fetched, values, config, rules);
      scans.set(scanKey, pending);
    }
    const inner = await pending;
    if (!inner) {
      analysis.diagnostics.push({ path: at.path, line: reference.reference.line, message: `${chainOf(reference)}: the fetched tree could not be read, so it was not checked`, kind: 'incomplete' });
      continue;
    }
    relocate(workspace, reference, inner, analysis);
  }
  for (const skip of run.skipped) analysis.diagnostics.push({ path: skip.path, line: skip.line, message: `not fetched: ${skip.reason}`, kind: 'note' });
  return analysis;
}

function isChart(dependency: FetchedDependency): boolean {
  return dependency.source.type === 'helm' || dependency.source.type === 'helm-oci';
}

async function scanTree(run: DependencyRun, dependency: FetchedDependency, values: ResolvedValues | undefined, config: ResolvedConfig, rules: readonly Rule[]): Promise<InnerScan | undefined> {
  const tree = await run.workspaceOf(dependency);
  if (!tree) return undefined;
  let files = [...tree.files, ...literalTemplateCopies(tree)];
  let overridden: ReadonlyArray<readonly [number, number]> = [];
  if (values !== undefined) {
    const overlaid = overlayValues(tree.file(VALUES_FILE)?.text ?? '', values.values, values.external);
    overridden = overlaid.overridden;
    files = [...files.filter((file) => file.path !== VALUES_FILE), new SourceFile(VALUES_FILE, overlaid.text)];
  }
  const workspace = new Workspace(tree.root, files, new Set([...tree.allPaths, ...files.map((file) => file.path)]));
  const result = await runRules(workspace, config, rules, { ignoreSuppressions: true });
  // a literal copy that is no YAML (actions that build structure) is simply not read: the template itself was
  const diagnostics = result.diagnostics.filter((diagnostic) => !diagnostic.path.startsWith(LITERAL_PREFIX));
  return { result: { ...result, findings: result.findings.flatMap(fromLiteralCopy), diagnostics }, overridden, withValues: values !== undefined };
}

/** Findings in a literal copy of a template are kept only for rules with no template reading of their own, at the template's path. */
function fromLiteralCopy(finding: Finding): Finding[] {
  if (!finding.location.path.startsWith(LITERAL_PREFIX)) return [finding];
  if (!LITERAL_RULES.test(finding.ruleId)) return [];
  const path = finding.location.path.slice(LITERAL_PREFIX.length);
  return [{ ...finding, location: { ...finding.location, path }, span: { ...finding.span, path }, message: finding.message.split(LITERAL_PREFIX).join('') }];
}

function relocate(workspace: Workspace, reference: ResolvedReference, inner: InnerScan, analysis: DependencyAnalysis): void {
  const at = reference.reference.at;
  const file = workspace.file(at.path);
  const location = locate(file, at);
  const snippet = file ? file.lineText(location.line).slice(0, 240) : '';
  const label = reference.fetched?.label ?? reference.key;
  for (const finding of inner.result.findings) {
    const inValues = inner.withValues && finding.location.path === VALUES_FILE;
    if (inValues && writtenByRepository(finding.span, inner.overridden)) continue; // the repository's own scan judges what it wrote
    const where = `${finding.location.path}:${finding.location.line}`;
    const dependency = `${chainOf(reference)} → ${where}${inValues ? ' (with the repository\'s values)' : ''}`;
    const { fix: _fix, properties, ...rest } = finding;
    analysis.findings.push({
      ...rest,
      message: `${label}, ${where}: ${finding.message}`,
      location,
      snippet,
      span: at,
      fingerprint: '',
      properties: { ...properties, dependency },
      subject: `${reference.key}\0${finding.fingerprint}`,
    } as Finding);
  }
  for (const diagnostic of inner.result.diagnostics) {
    if (diagnostic.kind === 'skipped') continue;
    const where = `${diagnostic.path}${diagnostic.line ? `:${diagnostic.line}` : ''}`;
    analysis.diagnostics.push({ path: at.path, line: reference.reference.line, message: `${chainOf(reference)} → ${where}: ${diagnostic.message}`, kind: diagnostic.kind });
  }
}

function writtenByRepository(span: Span, overridden: ReadonlyArray<readonly [number, number]>): boolean {
  return overridden.some(([start, end]) => span.start >= start && span.end <= end);
}
