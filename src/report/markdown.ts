import { uncheckedSummary } from '../model/diagnostic.js';
import { isSettingPage, type Finding } from '../model/finding.js';
import { LAYERS, SEVERITIES, severityRank } from '../model/severity.js';
import { compareFindings, shouldFail } from '../engine/run.js';
import type { Reporter, ScanReport } from './report.js';
import { GROUP_THRESHOLD, groupFindings, type FindingGroup } from './grouping.js';
import { terminalSafe } from './terminal-safe.js';

/** GitHub rejects issue and pull-request comments above this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
const DEFAULT_TOP = 50;
const MESSAGE_MAX = 300;
const SEVERITIES_DESCENDING = [...SEVERITIES].reverse();
const SEVERITY_MARK: Readonly<Record<string, string>> = { critical: '🟣', high: '🔴', medium: '🟠', low: '🔵', info: '⚪' };

export interface MarkdownOptions {
  /** GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA make links absolute */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly limit?: number;
  readonly top?: number;
  /** one row for a rule found 10 or more times under one folder (default true) */
  readonly group?: boolean;
}

/** A row of the findings table: one finding, or a rule's repeated findings under one folder. */
type Entry = { readonly finding: Finding; readonly group?: undefined } | { readonly finding: Finding; readonly group: FindingGroup };

/** A pull-request comment: counts by layer and severity, then the most severe findings with links to their lines. */
export const markdownReporter: Reporter = (report, { group = true }) => renderMarkdown(report, { env: process.env, group });

export function renderMarkdown(report: ScanReport, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const link = lineLinker(report.root, options.env ?? {});
  const head = [...headline(report), '', ...countTable(report)];
  const { single, groups } = options.group === false ? { single: report.findings, groups: [] } : groupFindings(report.findings);
  const entries: Entry[] = [...single.map((finding) => ({ finding })), ...groups.map((group) => ({ finding: group.findings[0]!, group }))]
    .sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity) || compareFindings(a.finding, b.finding));
  const wanted = Math.min(entries.length, options.top ?? DEFAULT_TOP);
  const closing = footer(report);

  const rows: string[] = [];
  let size = [...head, ...closing].join('\n').length + 400; // room for the table header and the truncation note
  const citedRules = new Set<string>();
  for (const entry of entries.slice(0, wanted)) {
    const row = entry.group ? groupRow(entry.group) : findingRow(entry.finding, link);
    const definition = citedRules.has(entry.finding.ruleId) ? 0 : ruleLink(entry.finding).length + 1;
    if (size + row.length + 1 + definition > limit) break;
    rows.push(row);
    citedRules.add(entry.finding.ruleId);
    size += row.length + 1 + definition;
  }
  const body = [...head];
  if (rows.length > 0) {
    body.push('', `### ${rows.length === entries.length ? 'Findings' : `Top ${rows.length} findings`}`, '', '| | Rule | Location | Finding |', '|---|---|---|---|', ...rows);
    body.push('', ...ruleLinks(entries.slice(0, rows.length).map((entry) => entry.finding)));
    if (groups.length > 0) body.push('', `<sub>A rule found ${GROUP_THRESHOLD} or more times under one folder has one row; \`--no-group\` lists each finding, as JSON and SARIF always do.</sub>`);
  }
  const hidden = entries.slice(rows.length).reduce((sum, entry) => sum + (entry.group ? entry.group.findings.length : 1), 0);
  if (hidden > 0) {
    body.push('', `_…and ${hidden} more finding${hidden === 1 ? '' : 's'} not shown to keep this comment short; see the full report (\`rampart scan --format html\` or the SARIF upload)._`);
  }
  body.push(...closing);
  const text = `${body.join('\n')}\n`;
  return text.length <= limit ? text : `${text.slice(0, limit - 80)}\n\n_…truncated at GitHub's comment size limit._\n`;
}

function headline(report: ScanReport): string[] {
  const total = report.findings.length;
  const failing = report.failOn !== 'none' && shouldFail(report.findings, report.failOn);
  const icon = !report.complete ? '⚠️' : failing ? '❌' : '✅';
  const bySeverity = SEVERITIES_DESCENDING.map((severity) => [severity, report.findings.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0).map(([severity, count]) => `${count} ${severity}`);
  const lines = [`## ${icon} Rampart: ${total === 0 ? 'no findings' : `${total} finding${total === 1 ? '' : 's'}`}${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''}`];
  const notes: string[] = [];
  if (!report.complete) notes.push(`**The scan is incomplete**: ${uncheckedSummary(report.diagnostics)}.`);
  if (report.baseline) notes.push(`Only findings new since the baseline are shown: ${report.baseline.matched} known, ${report.baseline.absent} baseline entries no longer occur.`);
  if (report.suppressed > 0) notes.push(`${report.suppressed} suppressed in the source.`);
  if (notes.length > 0) lines.push('', notes.join(' '));
  return lines;
}

function countTable(report: ScanReport): string[] {
  if (report.findings.length === 0) return [];
  const count = (layer: string, severity: string): number =>
    report.findings.filter((finding) => finding.layer === layer && finding.severity === severity).length;
  return [
    `| Layer | ${SEVERITIES_DESCENDING.join(' | ')} |`,
    `|---|${SEVERITIES_DESCENDING.map(() => '---:').join('|')}|`,
    ...LAYERS.map((layer) => `| ${layer} | ${SEVERITIES_DESCENDING.map((severity) => {
      const value = count(layer, severity);
      return value === 0 ? '·' : `**${value}**`;
    }).join(' | ')} |`),
  ];
}

function findingRow(finding: Finding, link: (path: string, line: number) => string): string {
  const { path, line } = finding.location;
  const message = finding.message.length > MESSAGE_MAX ? `${finding.message.slice(0, MESSAGE_MAX)}…` : finding.message;
  const location = isSettingPage(path) ? `[${cell(path)}](${path})` : `[${cell(`${path}:${line}`)}](${link(path, line)})`;
  return `| ${SEVERITY_MARK[finding.severity] ?? ''} ${finding.severity} | [\`${finding.ruleId}\`][${finding.ruleId}] | ${location} | ${cell(message)} |`;
}

function groupRow(group: FindingGroup): string {
  const first = group.findings[0]!;
  const message = first.message.length > MESSAGE_MAX ? `${first.message.slice(0, MESSAGE_MAX)}…` : first.message;
  const where = `${group.folder} (${group.findings.length} findings in ${group.files} file${group.files === 1 ? '' : 's'})`;
  return `| ${SEVERITY_MARK[group.severity] ?? ''} ${group.severity} | [\`${group.ruleId}\`][${group.ruleId}] | ${cell(where)} | ${cell(`${group.findings.length} × ${group.ruleId}, such as: ${message}`)} |`;
}

/** Reference-style links: each rule's docs URL appears once, however many rows cite it. */
function ruleLinks(findings: readonly Finding[]): string[] {
  const byRule = new Map(findings.map((finding) => [finding.ruleId, finding]));
  return [...byRule.values()].map(ruleLink);
}

function ruleLink(finding: Finding): string {
  return `[${finding.ruleId}]: ${finding.docs.replace(/[()<>\s]/g, encodeURIComponent)}`;
}

function footer(report: ScanReport): string[] {
  return ['', `<sub>Rampart ${cell(report.toolVersion)} · ${report.stats.files} files · fails on ${report.failOn}</sub>`];
}

/** Text safe inside a Markdown table cell: no pipes, no newlines, no HTML, no stray formatting, no control characters. */
export function cell(text: string): string {
  return terminalSafe(text.replace(/[\r\n]+/g, ' '))
    .replace(/[\\`*_{}[\]<>()#+!|~]/g, (character) => `\\${character}`)
    .replace(/&/g, '&amp;')
    .replace(/@/g, '@\u200b');
}

/** Links to GitHub blob lines when run in Actions; repository-relative paths otherwise. */
export function lineLinker(root: string, env: Readonly<Record<string, string | undefined>>): (path: string, line: number) => string {
  const prefix = rootPrefix(root);
  const server = env['GITHUB_SERVER_URL'];
  const repository = env['GITHUB_REPOSITORY'];
  const sha = env['GITHUB_SHA'];
  const base = server && repository && sha ? `${server.replace(/\/+$/, '')}/${repository}/blob/${sha}/` : '';
  return (path, line) => `${base}${encodePath(prefix + path)}#L${line}`;
}

/** Findings are relative to the scanned root; links need them relative to the repository (the working directory). */
export function rootPrefix(root: string): string {
  const normalised = root.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (normalised === '' || normalised === '.' || normalised.startsWith('/') || normalised.startsWith('..') || /^[a-z]:/i.test(normalised)) return '';
  return `${normalised}/`;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
