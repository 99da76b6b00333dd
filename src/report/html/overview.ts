import type { Finding } from '../../model/finding.js';
import { LAYERS, SEVERITIES, type Layer, type Severity } from '../../model/severity.js';
import type { ScanReport } from '../report.js';
import { escapeHtml } from './escape.js';

export const LAYER_INFO: Readonly<Record<Layer, { readonly title: string; readonly guards: string }>> = {
  repository: { title: 'Repository', guards: 'reviewed, signed commits and honest suppressions' },
  artifacts: { title: 'Artifacts', guards: 'images pinned to what was reviewed' },
  secrets: { title: 'Secrets', guards: 'no credentials in files or history' },
  operators: { title: 'Operators', guards: 'least privilege for GitOps controllers' },
  dependencies: { title: 'Dependencies', guards: 'remote charts, modules and sources pinned' },
};

/** Most severe first: the order people read in. */
export const SEVERITIES_DESCENDING: readonly Severity[] = [...SEVERITIES].reverse();

function heatLevel(count: number): number {
  if (count === 0) return 0;
  if (count === 1) return 1;
  if (count < 5) return 2;
  if (count < 20) return 3;
  return 4;
}

export function countBy(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const finding of findings) {
    add(`${finding.layer}/${finding.severity}`);
    add(`${finding.layer}/*`);
    add(`*/${finding.severity}`);
  }
  return counts;
}

/** Layers × severities: which lines of defence hold, at a glance; each non-empty cell filters the list. */
export function heatMap(report: ScanReport): string {
  const counts = countBy(report.findings);
  const header = SEVERITIES_DESCENDING.map((severity) => `<th scope="col" class="sev-head sev-${severity}">${severity}</th>`).join('');
  const rows = LAYERS.map((layer) => {
    const info = LAYER_INFO[layer];
    const total = counts.get(`${layer}/*`) ?? 0;
    const cells = SEVERITIES_DESCENDING.map((severity) => cell(counts.get(`${layer}/${severity}`) ?? 0, layer, severity)).join('');
    const status = total === 0 ? '<span class="layer-status ok">holds</span>' : `<span class="layer-status breached">${total} to fix</span>`;
    return `<tr><th scope="row"><span class="layer-name">${info.title}</span><span class="layer-guards">${escapeHtml(info.guards)}</span></th>${cells}<td class="heat-total">${status}</td></tr>`;
  }).join('\n');
  const totals = SEVERITIES_DESCENDING.map((severity) => `<td class="heat-total">${counts.get(`*/${severity}`) ?? 0}</td>`).join('');
  return `<div class="table-scroll" role="region" aria-label="Heat map" tabindex="0"><table class="heatmap" aria-describedby="heatmap-help">
<caption>Defence in depth: findings by layer and severity</caption>
<thead><tr><th scope="col">Layer</th>${header}<th scope="col">Status</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row">All layers</th>${totals}<td class="heat-total">${report.findings.length} total</td></tr></tfoot>
</table></div>
<p id="heatmap-help" class="hint">Select a cell to show only those findings.</p>`;
}

function cell(count: number, layer: Layer, severity: Severity): string {
  if (count === 0) return '<td class="heat heat-0"><span class="visually-muted">0</span></td>';
  const label = `${count} ${severity} finding${count === 1 ? '' : 's'} in ${LAYER_INFO[layer].title.toLowerCase()}; show them`;
  return `<td class="heat sev-${severity} heat-${heatLevel(count)}"><button type="button" class="heat-cell" data-layer="${layer}" data-severity="${severity}" aria-label="${escapeHtml(label)}">${count}</button></td>`;
}

/** The headline numbers under the title. */
export function summaryCards(report: ScanReport): string {
  const counts = countBy(report.findings);
  const cards = SEVERITIES_DESCENDING.map((severity) =>
    `<li class="card sev-${severity}"><span class="card-count">${counts.get(`*/${severity}`) ?? 0}</span><span class="card-label">${severity}</span></li>`).join('');
  return `<ul class="cards" aria-label="Findings by severity">${cards}</ul>`;
}
