import pc from 'picocolors';
import { isSettingPage, type Finding } from '../model/finding.js';
import { LAYERS, SEVERITIES, type Severity } from '../model/severity.js';
import type { Reporter, ScanReport } from './report.js';
import { GROUP_THRESHOLD, groupFindings, groupPlaces, type FindingGroup } from './grouping.js';
import { terminalSafe } from './terminal-safe.js';

/** Places of a grouped entry named in text output; the rest are counted. */
const GROUP_PLACES_SHOWN = 12;

type Paint = (text: string) => string;

function palette(color: boolean) {
  const colors = pc.createColors(color);
  const bySeverity: Record<Severity, Paint> = {
    critical: (text) => colors.bold(colors.magenta(text)),
    high: colors.red,
    medium: colors.yellow,
    low: colors.cyan,
    info: colors.gray,
  };
  return { ...colors, severity: bySeverity };
}

/** Grouped by file, coloured by severity, each finding with its line, fix and docs; a summary at the end. */
export const textReporter: Reporter = (report, { color, group = true }) => {
  const paint = palette(color);
  const out: string[] = [];
  for (const diagnostic of report.diagnostics) {
    const where = diagnostic.line ? `${diagnostic.path}:${diagnostic.line}:${diagnostic.column ?? 1}` : diagnostic.path;
    const label = diagnostic.kind === 'incomplete' ? paint.red('error') : diagnostic.kind === 'skipped' ? paint.yellow('skipped') : paint.gray('note');
    out.push(`${label} ${terminalSafe(where)}: ${terminalSafe(diagnostic.message)}`);
  }
  if (report.diagnostics.length > 0) out.push('');

  const explained = new Set<string>();
  const { single, groups } = group ? groupFindings(report.findings) : { single: report.findings, groups: [] };
  for (const [path, findings] of groupByFile(single)) {
    out.push(paint.underline(paint.bold(terminalSafe(path))));
    for (const finding of findings) out.push(...describe(finding, paint, explained));
    out.push('');
  }
  for (const entry of groups) out.push(...describeGroup(entry, paint, explained), '');
  if (groups.length > 0) out.push(paint.dim(`A rule found ${GROUP_THRESHOLD} or more times under one folder is shown once; --no-group lists every finding (JSON and SARIF always do).`), '');
  out.push(...summary(report, paint));
  return `${out.join('\n')}\n`;
};

function groupByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = groups.get(finding.location.path) ?? [];
    list.push(finding);
    groups.set(finding.location.path, list);
  }
  return groups;
}

function describe(finding: Finding, paint: ReturnType<typeof palette>, explained: Set<string>): string[] {
  const { line, column } = finding.location;
  const position = (isSettingPage(finding.location.path) ? '' : `${line}:${column}`).padEnd(8);
  const severity = paint.severity[finding.severity](finding.severity.toUpperCase().padEnd(8));
  const lines = [`  ${paint.dim(position)} ${severity} ${terminalSafe(finding.message)} ${paint.dim(finding.ruleId)}`];
  if (finding.properties?.['commit']) {
    const { commit, author, date } = finding.properties;
    lines.push(`           ${paint.dim(terminalSafe(`commit ${String(commit).slice(0, 12)}${author ? ` by ${String(author)}` : ''}${date ? ` on ${String(date)}` : ''}`))}`);
  }
  if (finding.properties?.['dependency']) lines.push(`           ${paint.dim(terminalSafe(`in ${String(finding.properties['dependency'])}`))}`);
  if (finding.snippet.trim() !== '') {
    lines.push(`           ${paint.dim(`${String(line).padStart(4)} │`)} ${terminalSafe(finding.snippet.trim())}`);
  }
  if (!explained.has(finding.ruleId)) {
    explained.add(finding.ruleId);
    lines.push(`           ${paint.green('fix:')} ${finding.remediation}`);
    lines.push(`           ${paint.dim(`docs: ${finding.docs}`)}`);
  }
  return lines;
}

function describeGroup(group: FindingGroup, paint: ReturnType<typeof palette>, explained: Set<string>): string[] {
  const first = group.findings[0]!;
  const severity = paint.severity[group.severity](group.severity.toUpperCase().padEnd(8));
  const lines = [
    `${paint.underline(paint.bold(terminalSafe(group.folder)))} ${paint.dim(`(${group.findings.length} × ${group.ruleId} in ${group.files} file${group.files === 1 ? '' : 's'})`)}`,
    `  ${paint.dim('grouped'.padEnd(8))} ${severity} ${group.findings.length} findings of ${group.ruleId}, such as: ${terminalSafe(first.message)}`,
    `           ${paint.dim('at:')} ${terminalSafe(groupPlaces(group, GROUP_PLACES_SHOWN))}`,
  ];
  if (!explained.has(group.ruleId)) {
    explained.add(group.ruleId);
    lines.push(`           ${paint.green('fix:')} ${first.remediation}`);
    lines.push(`           ${paint.dim(`docs: ${first.docs}`)}`);
  }
  return lines;
}

function summary(report: ScanReport, paint: ReturnType<typeof palette>): string[] {
  const counts = new Map<string, number>();
  for (const finding of report.findings) {
    counts.set(`${finding.layer}/${finding.severity}`, (counts.get(`${finding.layer}/${finding.severity}`) ?? 0) + 1);
  }
  const severities = [...SEVERITIES].reverse();
  const header = `  ${'layer'.padEnd(14)}${severities.map((severity) => severity.padStart(10)).join('')}`;
  const rows = LAYERS.map((layer) => {
    const cells = severities.map((severity) => {
      const count = counts.get(`${layer}/${severity}`) ?? 0;
      const cell = String(count).padStart(10);
      return count > 0 ? paint.severity[severity](cell) : paint.dim(cell);
    });
    return `  ${layer.padEnd(14)}${cells.join('')}`;
  });
  const total = report.findings.length;
  const seconds = (report.stats.durationMs / 1000).toFixed(2);
  const headline = total === 0
    ? paint.green(`No findings in ${report.stats.files} files (${seconds}s).`)
    : paint.bold(`${total} finding${total === 1 ? '' : 's'} in ${report.stats.files} files (${seconds}s).`);
  const extras: string[] = [];
  if (report.suppressed > 0) extras.push(`${report.suppressed} suppressed`);
  const skipped = report.stats.skippedBinary + report.stats.skippedLarge;
  if (skipped > 0) extras.push(`${skipped} skipped (${report.stats.skippedBinary} binary, ${report.stats.skippedLarge} over the size limit)`);
  if (report.baseline) extras.push(`${report.baseline.matched} in baseline, ${report.baseline.absent} baseline entries no longer occur`);
  if (!report.complete) extras.push(paint.red('scan incomplete: see errors above'));
  return [
    headline + (extras.length > 0 ? ` ${extras.join('; ')}.` : ''),
    ...(total > 0 ? [paint.dim(header), ...rows] : []),
  ];
}
