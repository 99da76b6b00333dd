import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../src/report/report.js';
import { sarifReporter } from '../src/report/sarif.js';
import { scan } from '../src/scan.js';
import { multiLayerReport } from './report-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// vendored from OASIS, source and licence in test/schemas/README.md
const schemaPath = path.resolve(here, 'schemas', 'sarif-schema-2.1.0.json');

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

interface SarifResult {
  ruleId: string;
  locations: Array<{ physicalLocation: { region: { startLine: number } } }>;
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}
interface SarifLog {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; help: { text: string; markdown: string }; helpUri: string; properties: Record<string, unknown> }> } };
    results: SarifResult[];
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: unknown[] }>;
  }>;
}

function compileSchema(): ValidateFunction {
  // The OASIS schema declares draft-04 and uses `id`; its keywords are all valid draft-07, which Ajv checks.
  const { $schema: _draft, id: _id, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function toSarif(report: ScanReport): SarifLog {
  return JSON.parse(sarifReporter(report, { color: false })) as SarifLog;
}

const deployment = (images: readonly string[], padding: number): string => [
  ...Array.from({ length: padding }, (_, index) => `# line ${index}`),
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: web}',
  'spec:',
  '  containers:',
  ...images.flatMap((image, index) => [`    - name: c${index}`, `      image: ${image} # rampart-ignore image-latest-tag`]),
  '',
].join('\n');

describe('SARIF output', () => {
  let validate: ValidateFunction;
  let root = '';

  beforeAll(async () => {
    validate = compileSchema();
    root = await mkdtemp(path.join(tmpdir(), 'rampart-sarif-'));
  });
  afterAll(async () => {
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  const expectValid = (log: SarifLog): void => {
    const ok = validate(log);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3), null, 2)).toEqual([]);
    expect(ok).toBe(true);
  };

  it('validates against the OASIS 2.1.0 schema for the demo repository', async () => {
    const { report } = await scan(path.resolve(here, '..', 'examples', 'demo'));
    const log = toSarif(report);
    expectValid(log);
    expect(log.runs[0]?.results.length).toBe(report.findings.length);
  });

  it('validates for findings from every layer, hostile paths and an incomplete run', () => {
    const report = multiLayerReport();
    const text = sarifReporter(report, { color: false });
    const log = JSON.parse(text) as SarifLog;
    expectValid(log);
    expect(new Set(log.runs[0]?.results.map((result) => result.properties['layer']))).toEqual(new Set(['repository', 'artifacts', 'secrets', 'operators', 'dependencies']));
    expect(log.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    expect(log.runs[0]?.invocations[0]?.toolExecutionNotifications).toHaveLength(1);
    expect(text).toContain('apps/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.yaml');
  });

  it('validates for a real scan with findings from several layers', async () => {
    const tree = path.join(root, 'layers');
    await mkdir(tree, { recursive: true });
    await writeFile(path.join(tree, 'pod.yaml'), deployment(['nginx:latest'], 0));
    const { report } = await scan(tree);
    const log = toSarif(report);
    expectValid(log);
    const layers = new Set(log.runs[0]?.results.map((result) => result.properties['layer']));
    expect(layers.size).toBeGreaterThanOrEqual(2);
  });

  it('gives every rule Markdown help, a docs link and a GitHub security-severity', async () => {
    const { report } = await scan(path.resolve(here, '..', 'examples', 'demo'));
    const log = toSarif(report);
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules.length).toBe(report.rules.length);
    for (const rule of rules) {
      expect(rule.help.markdown.startsWith(`# ${rule.id}\n`)).toBe(true);
      expect(rule.help.markdown).toContain('## How to fix');
      expect(rule.help.text.length).toBeGreaterThan(10);
      expect(rule.helpUri).toMatch(new RegExp(`^https://.+/${rule.id}\\.md$`));
      const severity = Number(rule.properties['security-severity']);
      expect(severity).toBeGreaterThan(0);
      expect(severity).toBeLessThanOrEqual(10);
      expect(rule.properties['tags']).toContain('security');
    }
    for (const result of log.runs[0]?.results ?? []) {
      expect(Number(result.properties['security-severity'])).toBeGreaterThan(0);
    }
  });

  it('keeps partialFingerprints when lines move', async () => {
    const tree = path.join(root, 'moves');
    await mkdir(tree, { recursive: true });
    const file = path.join(tree, 'pod.yaml');
    await writeFile(file, deployment(['nginx:1.27', 'redis:7.2'], 0));
    const before = toSarif((await scan(tree)).report).runs[0]?.results ?? [];
    await writeFile(file, deployment(['redis:7.2', 'nginx:1.27'], 40));
    const after = toSarif((await scan(tree)).report).runs[0]?.results ?? [];

    expect(before.length).toBeGreaterThan(0);
    const fingerprints = (results: SarifResult[]): string[] => results.map((result) => `${result.ruleId} ${result.partialFingerprints['rampartFingerprint/v1']}`).sort();
    expect(fingerprints(after)).toEqual(fingerprints(before));
    const lines = (results: SarifResult[]): number[] => results.map((result) => result.locations[0]?.physicalLocation.region.startLine ?? 0);
    expect(Math.min(...lines(after))).toBeGreaterThan(Math.max(...lines(before)));
  });
});
