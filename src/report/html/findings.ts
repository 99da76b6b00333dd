import type { Diagnostic } from '../../model/diagnostic.js';
import type { Finding } from '../../model/finding.js';
import { LAYERS } from '../../model/severity.js';
import type { ScanReport } from '../report.js';
import { escapeHtml, safeHref } from './escape.js';
import { fixPreview, type FixPreview } from './fix-preview.js';
import { groupFindings } from '../grouping.js';
import { LAYER_INFO } from './overview.js';

/** Properties that could carry matched text are never shown; the secrets layer redacts snippets, not these. */
const HIDDEN_PROPERTY = /secret|value|match|raw|token|password/i;

/** Findings grouped by layer, then by file, in the order people read: layers as in depth, files by path, lines ascending. */
export function findingSections(report: ScanReport, group = true): string {
  if (report.findings.length === 0) {
    return '<p class="empty">No findings: every layer holds.</p>';
  }
  const fixable = new Set(report.rules.filter((rule) => rule.fixable === true).map((rule) => rule.id));
  let index = 0;
  return LAYERS.map((layer) => {
    const inLayer = report.findings.filter((finding) => finding.layer === layer);
    if (inLayer.length === 0) return '';
    const { single, groups } = group ? groupFindings(inLayer) : { single: inLayer, groups: [] };
    const folded = groups.map((entry) => {
      const articles = entry.findings.map((finding) => article(finding, index++, fixable.has(finding.ruleId))).join('\n');
      const first = entry.findings[0]!;
      return `<section class="file finding-group" data-path="${escapeHtml(entry.folder)}">
<h3 class="file-path"><span class="path">${escapeHtml(entry.folder)}</span> <code class="group-rule">${escapeHtml(entry.ruleId)}</code> <span class="count" data-count-for="file">${entry.findings.length}</span></h3>
<details class="group">
<summary><span class="badge sev-${entry.severity}">${entry.severity}</span> ${entry.findings.length} findings of <code>${escapeHtml(entry.ruleId)}</code> in ${entry.files} file${entry.files === 1 ? '' : 's'}, such as: ${inlineCode(first.message)}</summary>
${articles}
</details>
</section>`;
    });
    const files = groupByPath(single).map(([path, findings]) => {
      const articles = findings.map((finding) => article(finding, index++, fixable.has(finding.ruleId))).join('\n');
      return `<section class="file" data-path="${escapeHtml(path)}">
<h3 class="file-path"><span class="path">${escapeHtml(path)}</span> <span class="count" data-count-for="file">${findings.length}</span></h3>
${articles}
</section>`;
    }).join('\n');
    return `<section class="layer" data-layer="${layer}" aria-labelledby="layer-${layer}">
<h2 id="layer-${layer}">${LAYER_INFO[layer].title} <span class="count" data-count-for="layer">${inLayer.length}</span></h2>
${files}${folded.length > 0 ? `\n${folded.join('\n')}` : ''}
</section>`;
  }).join('\n');
}

function groupByPath(findings: readonly Finding[]): Array<[string, Finding[]]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = groups.get(finding.location.path) ?? [];
    list.push(finding);
    groups.set(finding.location.path, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, list]) => [path, list.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column)]);
}

function article(finding: Finding, index: number, fixable: boolean): string {
  const { location } = finding;
  const attributes = [
    `id="finding-${index}"`,
    'tabindex="-1"',
    `class="finding sev-${finding.severity}"`,
    `data-layer="${finding.layer}"`,
    `data-severity="${finding.severity}"`,
    `data-rule="${escapeHtml(finding.ruleId)}"`,
    `data-path="${escapeHtml(location.path)}"`,
    `aria-labelledby="finding-${index}-message"`,
  ].join(' ');
  return `<article ${attributes}>
<header class="finding-head">
<span class="badge sev-${finding.severity}">${finding.severity}</span>
<h4 class="finding-message" id="finding-${index}-message">${inlineCode(finding.message)}</h4>
<a class="rule-link" href="${safeHref(finding.docs)}" aria-label="Documentation of rule ${escapeHtml(finding.ruleId)}">${escapeHtml(finding.ruleId)} docs</a>
</header>
<p class="finding-meta"><span class="location">${escapeHtml(location.path)}:${location.line}:${location.column}</span>${properties(finding)}</p>
${sourceLine(finding)}
<div class="advice">
<div class="remediation"><h5>How to fix</h5><p>${inlineCode(finding.remediation)}</p></div>
${fixBlock(fixPreview(finding, fixable))}
</div>
</article>`;
}

function properties(finding: Finding): string {
  const entries = Object.entries(finding.properties ?? {}).filter(([key]) => !HIDDEN_PROPERTY.test(key));
  if (entries.length === 0) return '';
  return entries.map(([key, value]) => {
    const shown = key === 'commit' ? String(value).slice(0, 12) : String(value);
    return ` <span class="prop"><span class="prop-key">${escapeHtml(key)}</span> ${escapeHtml(shown)}</span>`;
  }).join('');
}

/** The offending line with the finding's columns marked; the snippet is all we show of the file. */
function sourceLine(finding: Finding): string {
  const { snippet, location } = finding;
  if (snippet.trim() === '') return '';
  const start = Math.min(Math.max(location.column - 1, 0), snippet.length);
  const sameLine = location.endLine === location.line;
  const end = sameLine ? Math.min(Math.max(location.endColumn - 1, start), snippet.length) : snippet.length;
  const marked = end > start
    ? `${escapeHtml(snippet.slice(0, start))}<mark>${escapeHtml(snippet.slice(start, end))}</mark>${escapeHtml(snippet.slice(end))}`
    : escapeHtml(snippet);
  return `<pre class="code" aria-label="line ${location.line}"><span class="line-number" aria-hidden="true">${location.line}</span><code>${marked}</code></pre>`;
}

function fixBlock(preview: FixPreview | undefined): string {
  if (!preview) return '';
  if (preview.kind === 'command') {
    return `<div class="fix"><h5>Automatic fix</h5><p>Run <code class="command">${escapeHtml(preview.command)}</code>: ${escapeHtml(preview.description)}</p></div>`;
  }
  if (preview.kind === 'diff') {
    const [before, after] = dedent([preview.before, preview.after]);
    return `<div class="fix"><h5>Automatic fix</h5><p>${inlineCode(preview.description)}</p>
<pre class="diff" aria-label="before and after"><span class="del"><span class="sign" aria-label="before">-</span>${escapeHtml(before ?? '')}</span><span class="ins"><span class="sign" aria-label="after">+</span>${escapeHtml(after ?? '')}</span></pre></div>`;
  }
  const lines = preview.replacements.map((text) => `<span class="ins"><span class="sign" aria-label="insert">+</span>${escapeHtml(text)}</span>`).join('');
  return `<div class="fix"><h5>Automatic fix</h5><p>${inlineCode(preview.description)}</p>${lines ? `<pre class="diff">${lines}</pre>` : ''}</div>`;
}

/** Removes the indentation all lines share, so a before/after shows just what changes. */
function dedent(lines: readonly string[]): string[] {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(common));
}

/** `code` spans in rule text become <code>; everything else is escaped text. */
export function inlineCode(text: string): string {
  return text.split('`').map((part, index) => (index % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part))).join('');
}

const DIAGNOSTIC_LABEL: Readonly<Record<Diagnostic['kind'], string>> = { incomplete: 'not checked', skipped: 'skipped', note: 'note' };

export function diagnosticsSection(report: ScanReport): string {
  if (report.diagnostics.length === 0) return '';
  const items = report.diagnostics.map((diagnostic) => {
    const where = diagnostic.line ? `${diagnostic.path}:${diagnostic.line}:${diagnostic.column ?? 1}` : diagnostic.path;
    return `<li class="diagnostic diag-${diagnostic.kind}"><span class="diag-kind">${DIAGNOSTIC_LABEL[diagnostic.kind]}</span> <span class="location">${escapeHtml(where)}</span> ${escapeHtml(diagnostic.message)}</li>`;
  }).join('\n');
  const heading = report.complete ? 'Files passed over' : 'The scan is incomplete';
  return `<section class="panel diagnostics${report.complete ? '' : ' incomplete'}" aria-labelledby="diagnostics-title">
<h2 id="diagnostics-title">${heading} <span class="count">${report.diagnostics.length}</span></h2>
<ul>${items}</ul>
</section>`;
}
