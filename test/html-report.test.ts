import { describe, expect, it } from 'vitest';
import { escapeHtml, safeHref } from '../src/report/html/escape.js';
import { fixPreview } from '../src/report/html/fix-preview.js';
import { htmlReporter } from '../src/report/html/index.js';
import { REPORTERS } from '../src/report/index.js';
import { HOSTILE_PATH, makeFinding, multiLayerReport, SECRET_VALUE } from './report-fixtures.js';

const render = (report = multiLayerReport()): string => htmlReporter(report, { color: false });

describe('html report', () => {
  it('is registered as --format html', () => {
    expect(REPORTERS['html']).toBe(htmlReporter);
  });

  it('escapes every scanned string: file names, snippets and messages', () => {
    const html = render();
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain("<script>alert('x')</script>");
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain(escapeHtml(HOSTILE_PATH));
    expect(html).toContain('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
    expect(html).toContain('Image &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; is not pinned');
    // exactly one script element: ours
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('never embeds a secret value and loads nothing from the network', () => {
    const html = render();
    expect(html).not.toContain(SECRET_VALUE);
    expect(html).not.toMatch(/<(img|script|iframe|audio|video|source|embed)\b[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/);
    expect(html).not.toMatch(/url\(/);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'/);
  });

  it('shows the layers × severities heat map with per-cell counts', () => {
    const html = render();
    expect(html).toContain('<caption>Defence in depth: findings by layer and severity</caption>');
    expect(html).toMatch(/data-layer="artifacts" data-severity="high" aria-label="2 high findings in artifacts; show them">2</);
    expect(html).toMatch(/data-layer="secrets" data-severity="critical"[^>]*>1</);
    expect(html).toContain('7 total');
  });

  it('groups findings by layer, then file, with the offending columns marked', () => {
    const html = render();
    const layers = [...html.matchAll(/<section class="layer" data-layer="(\w+)"/g)].map((match) => match[1]);
    expect(layers).toEqual(['repository', 'artifacts', 'secrets', 'operators', 'dependencies']);
    expect(html).toContain('<code>          image: <mark>nginx:1.27</mark></code>');
  });

  it('shows the fix: edits as before/after, fixable rules as `rampart pin`', () => {
    const html = render();
    expect(html).toContain('<span class="sign" aria-label="before">-</span>image: redis:latest</span><span class="ins"><span class="sign" aria-label="after">+</span>image: redis:7.2</span>');
    expect(html).toContain('Run <code class="command">rampart pin</code>');
  });

  it('reports an incomplete scan and its diagnostics', () => {
    const html = render();
    expect(html).toContain('Incomplete scan');
    expect(html).toContain('broken.yaml:3:7');
  });

  it('says so when there is nothing to report', () => {
    const html = render(multiLayerReport({ findings: [], diagnostics: [], complete: true }));
    expect(html).toContain('No findings: every layer holds.');
    expect(html).toContain('Passes: nothing at or above high');
    expect(html).not.toContain('id="filters"');
  });
});

describe('safeHref', () => {
  it('keeps http(s) and relative links and neutralises other schemes', () => {
    expect(safeHref('https://example.test/a?b=1&c=2')).toBe('https://example.test/a?b=1&amp;c=2');
    expect(safeHref('docs/rules/x.md')).toBe('docs/rules/x.md');
    expect(safeHref('javascript:alert(1)')).toBe('#');
    expect(safeHref(' JaVaScRiPt:alert(1)')).toBe('#');
    expect(safeHref('data:text/html,x')).toBe('#');
    expect(safeHref('//evil.test/x')).toBe('#');
  });
});

describe('fixPreview', () => {
  const base = { ruleId: 'image-latest-tag', layer: 'artifacts', severity: 'high', path: 'a.yaml', line: 2, snippet: 'image: redis:latest', column: 8, lineStart: 50 } as const;

  it('falls back to listing replacements when an edit lies outside the line', () => {
    const finding = makeFinding({ ...base, fix: { description: 'x', edits: [{ path: 'a.yaml', start: 10, end: 12, text: 'new' }] } });
    expect(fixPreview(finding, false)).toEqual({ kind: 'edits', description: 'x', replacements: ['new'] });
  });

  it('applies several edits on one line', () => {
    const finding = makeFinding({ ...base, fix: { description: 'x', edits: [
      { path: 'a.yaml', start: 50 + 13, end: 50 + 19, text: '7.2' },
      { path: 'a.yaml', start: 50, end: 50 + 5, text: 'img' },
    ] } });
    expect(fixPreview(finding, false)).toMatchObject({ kind: 'diff', after: 'img: redis:7.2' });
  });

  it('never rebuilds a secret line and offers nothing for unfixable rules without edits', () => {
    const secret = makeFinding({ ...base, layer: 'secrets', fix: { description: 'remove', edits: [{ path: 'a.yaml', start: 57, end: 69, text: '' }] } });
    expect(fixPreview(secret, false)?.kind).toBe('edits');
    expect(fixPreview(makeFinding(base), false)).toBeUndefined();
  });
});
