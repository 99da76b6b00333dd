import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareWithBaseline, createBaseline, parseBaseline, serializeBaseline, withBaseline } from '../src/engine/baseline.js';
import { scan } from '../src/scan.js';
import { makeFinding, multiLayerReport, SECRET_VALUE } from './report-fixtures.js';

const deployment = (images: readonly string[], padding = 0): string => [
  ...Array.from({ length: padding }, (_, index) => `# padding line ${index}`),
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web}',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  ...images.flatMap((image, index) => [`        - name: c${index}`, `          image: ${image}`]),
  '',
].join('\n');

describe('baseline file', () => {
  it('holds fingerprints, rule ids and paths only: no snippets, messages or secrets', () => {
    const baseline = createBaseline(multiLayerReport().findings);
    const text = serializeBaseline(baseline);
    expect(baseline.entries.length).toBe(7);
    for (const entry of baseline.entries) expect(Object.keys(entry).sort()).toEqual(['fingerprint', 'path', 'ruleId']);
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain('redacted');
    expect(text).not.toContain('image:');
    expect(parseBaseline(text, 'b.json')).toEqual(baseline);
  });

  it('is sorted so that re-recording an unchanged tree gives the same bytes', () => {
    const findings = multiLayerReport().findings;
    expect(serializeBaseline(createBaseline([...findings].reverse()))).toBe(serializeBaseline(createBaseline(findings)));
  });

  it('rejects files that are not baselines with a message naming the file', () => {
    expect(() => parseBaseline('{', 'x.json')).toThrow(/baseline x\.json is not valid JSON/);
    expect(() => parseBaseline('[]', 'x.json')).toThrow(/x\.json is not a Rampart baseline/);
    expect(() => parseBaseline('{"tool":"rampart","version":2,"entries":[]}', 'x.json')).toThrow(/version 2/);
    expect(() => parseBaseline('{"tool":"rampart","version":1,"entries":[{"fingerprint":1}]}', 'x.json')).toThrow(/entry 0/);
  });

  it('counts absent entries only for rules that ran', () => {
    const kept = makeFinding({ ruleId: 'a', layer: 'artifacts', severity: 'high', path: 'x', line: 1, snippet: 's', fingerprint: 'f1' });
    const fresh = makeFinding({ ruleId: 'a', layer: 'artifacts', severity: 'high', path: 'x', line: 2, snippet: 's', fingerprint: 'f9' });
    const baseline = { version: 1, tool: 'rampart', entries: [
      { fingerprint: 'f1', ruleId: 'a', path: 'x' },
      { fingerprint: 'f2', ruleId: 'a', path: 'x' },
      { fingerprint: 'f3', ruleId: 'not-run', path: 'x' },
    ] } as const;
    const comparison = compareWithBaseline([kept, fresh], baseline, new Set(['a']));
    expect(comparison.fresh).toEqual([fresh]);
    expect(comparison.matched).toBe(1);
    expect(comparison.absent).toBe(1);
  });
});

describe('scan against a baseline (real scans of a temporary tree)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rampart-baseline-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const scanWith = async (baselineSource: Awaited<ReturnType<typeof scan>>['report']) => {
    const baseline = createBaseline(baselineSource.findings);
    return withBaseline((await scan(root)).report, baseline, '.rampart-baseline.json');
  };

  it('keeps matching findings whose lines moved', async () => {
    const file = path.join(root, 'deployment.yaml');
    await writeFile(file, deployment(['nginx:1.27', 'redis:7.2']));
    const before = (await scan(root)).report;
    expect(before.findings.length).toBeGreaterThanOrEqual(2);

    // every line moves down by 25 and the two containers swap places
    await writeFile(file, deployment(['redis:7.2', 'nginx:1.27'], 25));
    const after = await scanWith(before);
    expect(after.findings).toEqual([]);
    expect(after.baseline).toEqual({ path: '.rampart-baseline.json', matched: before.findings.length, absent: 0 });
  });

  it('reports new findings and counts fixed ones as no longer occurring', async () => {
    const file = path.join(root, 'deployment.yaml');
    await writeFile(file, deployment(['nginx:1.27', 'redis:7.2']));
    const before = (await scan(root)).report;
    const redisFindings = before.findings.filter((finding) => finding.snippet.includes('redis')).length;

    await writeFile(file, deployment(['nginx:1.27', 'memcached:1.6']));
    const after = await scanWith(before);
    expect(after.findings.length).toBeGreaterThan(0);
    expect(after.findings.every((finding) => finding.snippet.includes('memcached'))).toBe(true);
    expect(after.baseline?.absent).toBe(redisFindings);
    expect(after.baseline?.matched).toBe(before.findings.length - redisFindings);
  });
});
