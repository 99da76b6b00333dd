import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jsonReporter } from '../src/report/json.js';
import { scan } from '../src/scan.js';
import { multiLayerReport } from './report-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const page = readFileSync(path.resolve(here, '..', 'docs', 'json-format.md'), 'utf8');

/** Keys under these paths vary (severities, layers, rule facts); the page names them `<…>`. */
const VARIABLE_KEYS: Readonly<Record<string, string>> = {
  'summary.bySeverity': '<severity>',
  'summary.byLayer': '<layer>',
  'findings[].properties': '<name>',
};

function fieldPaths(value: unknown, prefix = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const element of value) fieldPaths(element, `${prefix}[]`, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const name = VARIABLE_KEYS[prefix] ?? key;
      const childPath = prefix === '' ? name : `${prefix}.${name}`;
      into.add(childPath);
      fieldPaths(child, childPath, into);
    }
  }
  return into;
}

function documentedPaths(): Set<string> {
  const section = page.slice(page.indexOf('## Fields'), page.indexOf('## Example'));
  return new Set([...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1] ?? ''));
}

describe('docs/json-format.md', () => {
  it('documents exactly the fields the JSON output has', async () => {
    const full = multiLayerReport({ baseline: { path: '.rampart-baseline.json', matched: 2, absent: 1 } });
    const demo = (await scan(path.resolve(here, '..', 'examples', 'demo'))).report;
    const produced = new Set([
      ...fieldPaths(JSON.parse(jsonReporter(full, { color: false }))),
      ...fieldPaths(JSON.parse(jsonReporter(demo, { color: false }))),
    ]);
    const documented = documentedPaths();
    expect(documented.size).toBeGreaterThan(40);
    expect([...produced].filter((field) => !documented.has(field)), 'fields in the output but not on the page').toEqual([]);
    expect([...documented].filter((field) => !produced.has(field)), 'fields on the page but never in the output').toEqual([]);
  });

  it('gives an example that has the documented top-level shape', () => {
    const example = /```json\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    const parsed = JSON.parse(example) as Record<string, unknown>;
    const demoKeys = Object.keys(JSON.parse(jsonReporter(multiLayerReport(), { color: false })) as object);
    expect(Object.keys(parsed)).toEqual(demoKeys);
    for (const field of fieldPaths(parsed)) expect(documentedPaths().has(field), field).toBe(true);
  });
});
