import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/model/finding.js';
import { groupFindings } from '../src/report/grouping.js';
import { htmlReporter } from '../src/report/html/index.js';
import { jsonReporter } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { sarifReporter } from '../src/report/sarif.js';
import { textReporter } from '../src/report/text.js';
import { makeFinding, multiLayerReport } from './report-fixtures.js';

const RULE = 'flux-kustomization-no-service-account';

const ks = (path: string, line = 3): Finding => makeFinding({
  ruleId: RULE, layer: 'operators', severity: 'medium', path, line, snippet: 'kind: Kustomization', message: `Flux Kustomization at ${path} has no serviceAccountName`,
});

/** A single-tenant lab: one Kustomization per app folder under kubernetes/apps, 14 apps in one namespace folder. */
const lab: Finding[] = [
  ...Array.from({ length: 14 }, (_, index) => ks(`kubernetes/apps/media/app-${String(index).padStart(2, '0')}/ks.yaml`)),
  ...Array.from({ length: 8 }, (_, index) => ks(`kubernetes/apps/ns-${index}/app/ks.yaml`)),
  ...Array.from({ length: 3 }, (_, index) => ks(`kubernetes/apps/network/app-${index}/ks.yaml`)),
];

describe('grouping repeated findings', () => {
  it('gives each finding the deepest folder where its rule reaches 10, and leaves sparse ones single', () => {
    const { single, groups } = groupFindings(lab);
    expect(groups.map((group) => [group.folder, group.ruleId, group.findings.length, group.files])).toEqual([
      ['kubernetes/apps/', RULE, 11, 11],
      ['kubernetes/apps/media/', RULE, 14, 14],
    ]);
    expect(single).toEqual([]);
    expect(groupFindings(lab.slice(0, 9)).groups).toEqual([]);
  });

  it('lists a folder left under the threshold one by one, and never groups across rules or severities', () => {
    const findings = [...lab.slice(0, 14), ...lab.slice(22)];
    const { single, groups } = groupFindings(findings);
    expect(groups.map((group) => group.folder)).toEqual(['kubernetes/apps/media/']);
    expect(single.map((finding) => finding.location.path)).toEqual(lab.slice(22).map((finding) => finding.location.path));
    const mixed = lab.slice(0, 12).map((finding, index) => ({ ...finding, severity: index % 2 === 0 ? 'high' as const : 'medium' as const }));
    expect(groupFindings(mixed).groups).toEqual([]);
  });

  const report = multiLayerReport({ findings: [...multiLayerReport().findings, ...lab] });

  it('text: one entry per rule and folder with its places; --no-group lists every finding', () => {
    const text = textReporter(report, { color: false });
    expect(text).toContain('kubernetes/apps/media/ (14 × flux-kustomization-no-service-account in 14 files)');
    expect(text).toMatch(/grouped +MEDIUM +14 findings of flux-kustomization-no-service-account, such as: Flux Kustomization at kubernetes\/apps\/media\/app-00\/ks\.yaml/);
    expect(text).toContain('at: app-00/ks.yaml:3, app-01/ks.yaml:3,');
    expect(text).toContain('and 2 more');
    expect(text).toContain('--no-group lists every finding');
    expect(text.match(/has no serviceAccountName/g)).toHaveLength(2);
    const ungrouped = textReporter(report, { color: false, group: false });
    expect(ungrouped.match(/has no serviceAccountName/g)).toHaveLength(lab.length);
    expect(ungrouped).not.toContain('grouped');
  });

  it('Markdown: one row per group', () => {
    const markdown = renderMarkdown(report, {});
    expect(markdown).toContain('| kubernetes/apps/media/ \\(14 findings in 14 files\\) | 14 × flux-kustomization-no-service-account, such as: Flux Kustomization at kubernetes/apps/media/app-00/ks.yaml has no serviceAccountName |');
    expect(markdown.match(/has no serviceAccountName/g)).toHaveLength(2);
    expect(renderMarkdown(report, { group: false }).match(/has no serviceAccountName/g)).toHaveLength(lab.length);
  });

  it('HTML: an expandable entry per group that holds every finding', () => {
    const html = htmlReporter(report, { color: false });
    const groups = [...html.matchAll(/<section class="file finding-group" data-path="([^"]+)">[\s\S]*?<details class="group">\n<summary>([\s\S]*?)<\/summary>([\s\S]*?)<\/details>/g)];
    expect(groups.map((group) => group[1])).toEqual(['kubernetes/apps/', 'kubernetes/apps/media/']);
    expect(groups[1]?.[2]).toContain('14 findings of <code>flux-kustomization-no-service-account</code> in 14 files');
    expect(groups[1]?.[3]?.match(/<article /g)).toHaveLength(14);
    expect(html.match(/<article /g)).toHaveLength(report.findings.length);
    expect(htmlReporter(report, { color: false, group: false })).not.toContain('finding-group');
  });

  it('JSON and SARIF keep every finding', () => {
    expect((JSON.parse(jsonReporter(report, { color: false })) as { findings: unknown[] }).findings).toHaveLength(report.findings.length);
    expect((JSON.parse(sarifReporter(report, { color: false })) as { runs: Array<{ results: unknown[] }> }).runs[0]?.results).toHaveLength(report.findings.length);
  });
});
