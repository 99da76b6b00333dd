import { describe, expect, it } from 'vitest';
import { cell, GITHUB_COMMENT_LIMIT, lineLinker, markdownReporter, renderMarkdown } from '../src/report/markdown.js';
import { REPORTERS } from '../src/report/index.js';
import { makeFinding, multiLayerReport, SECRET_VALUE } from './report-fixtures.js';

const GITHUB_ENV = { GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'acme/gitops', GITHUB_SHA: 'abc123' };

describe('markdown report', () => {
  it('is registered as --format markdown', () => {
    expect(REPORTERS['markdown']).toBe(markdownReporter);
  });

  it('opens with the totals and a layer × severity table', () => {
    const text = renderMarkdown(multiLayerReport({ complete: true, diagnostics: [] }));
    expect(text.split('\n')[0]).toBe('## ❌ Rampart: 7 findings (2 critical, 2 high, 1 medium, 1 low, 1 info)');
    expect(text).toContain('| Layer | critical | high | medium | low | info |');
    expect(text).toContain('| artifacts | · | **2** | **1** | · | · |');
    expect(text).toContain('| secrets | **1** | · | · | · | · |');
  });

  it('lists the most severe findings first, with reference links to rule docs', () => {
    const text = renderMarkdown(multiLayerReport());
    const rows = text.split('\n').filter((line) => /^\| (🟣|🔴|🟠|🔵|⚪)/.test(line));
    expect(rows.map((row) => row.split(' | ')[0])).toEqual(['| 🟣 critical', '| 🟣 critical', '| 🔴 high', '| 🔴 high', '| 🟠 medium', '| 🔵 low', '| ⚪ info']);
    expect(text).toContain('[image-not-pinned]: https://example.test/docs/rules/image-not-pinned.md');
    expect(text.match(/^\[image-not-pinned\]:/gm)).toHaveLength(1);
    expect(text).toContain('**The scan is incomplete**');
    expect(text).not.toContain(SECRET_VALUE);
  });

  it('links to lines on GitHub when run in Actions, relative paths otherwise', () => {
    expect(lineLinker('.', GITHUB_ENV)('apps/a b.yaml', 4)).toBe('https://github.example/acme/gitops/blob/abc123/apps/a%20b.yaml#L4');
    expect(lineLinker('deploy/', GITHUB_ENV)('x.yaml', 1)).toBe('https://github.example/acme/gitops/blob/abc123/deploy/x.yaml#L1');
    expect(lineLinker('./deploy', {})('x.yaml', 9)).toBe('deploy/x.yaml#L9');
    expect(lineLinker('/abs/path', {})('x.yaml', 9)).toBe('x.yaml#L9');
    const text = renderMarkdown(multiLayerReport({ root: '.' }), { env: GITHUB_ENV });
    expect(text).toContain('](https://github.example/acme/gitops/blob/abc123/clusters/prod/argocd-rbac.yaml#L8)');
  });

  it('keeps hostile text from breaking the table or injecting HTML', () => {
    expect(cell('a | b\nc <script> [x](javascript:y) @team')).toBe('a \\| b c \\<script\\> \\[x\\]\\(javascript:y\\) @\u200bteam');
    const hostile = makeFinding({ ruleId: 'r', layer: 'artifacts', severity: 'high', path: 'p|q.yaml', line: 1, snippet: 's', message: 'bad | row\n<img src=x>' });
    const text = renderMarkdown(multiLayerReport({ findings: [hostile] }));
    const row = text.split('\n').find((line) => line.includes('bad'));
    expect(row).toBe('| 🔴 high | [`r`][r] | [p\\|q.yaml:1](fixture/p%7Cq.yaml#L1) | bad \\| row \\<img src=x\\> |');
  });

  it('stays under the GitHub comment limit, saying how many findings it left out', () => {
    const findings = Array.from({ length: 3000 }, (_, index) => makeFinding({
      ruleId: `rule-${index % 40}`, layer: 'artifacts', severity: 'high', path: `apps/service-${index}/deployment.yaml`, line: index + 1,
      snippet: 'x', message: `Image registry.example/team/service-${index}:1.0 is not pinned ${'to a digest '.repeat(20)}`,
    }));
    const text = renderMarkdown(multiLayerReport({ findings }), { top: 5000, group: false });
    expect(text.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const shown = text.split('\n').filter((line) => line.startsWith('| 🔴 high')).length;
    expect(shown).toBeGreaterThan(50);
    expect(text).toContain(`…and ${3000 - shown} more findings not shown`);
    expect(text.trimEnd().endsWith('</sub>')).toBe(true);
  });

  it('shows the top 50 by default and says so', () => {
    const findings = Array.from({ length: 60 }, (_, index) => makeFinding({ ruleId: `r${index % 7}`, layer: 'secrets', severity: 'low', path: `f${index}`, line: 1, snippet: 'x' }));
    const text = renderMarkdown(multiLayerReport({ findings }));
    expect(text).toContain('### Top 50 findings');
    expect(text).toContain('…and 10 more findings not shown');
  });

  it('is short and clear when there is nothing to report', () => {
    const text = renderMarkdown(multiLayerReport({ findings: [], diagnostics: [], complete: true }));
    expect(text.split('\n')[0]).toBe('## ✅ Rampart: no findings');
    expect(text).not.toContain('| Layer |');
  });
});
