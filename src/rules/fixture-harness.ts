import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../config/parse.js';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../config/schema.js';
import { runRules } from '../engine/run.js';
import type { ScanSettings } from '../engine/settings.js';
import type { Finding } from '../model/finding.js';
import { Workspace } from '../model/workspace.js';
import { SnapshotRegistryClient } from '../resolve/static-client.js';
import type { Rule } from './rule.js';

/** Lines marked `# expect: <rule-id>[, <rule-id>…]` (or `// expect:`) must fire; all others must not. */
const EXPECT = /(?:#|\/\/)[ \t]*expect:[ \t]*([a-z0-9, -]+)/g;

export interface ExpectationResult {
  readonly expected: string[];
  readonly actual: string[];
  readonly findings: Finding[];
}

export function expectedLines(texts: Record<string, string>, ruleId: string): string[] {
  const expected: string[] = [];
  for (const [file, text] of Object.entries(texts)) {
    text.split('\n').forEach((line, index) => {
      for (const match of line.matchAll(EXPECT)) {
        const ids = (match[1] ?? '').split(',').map((id) => id.trim());
        if (ids.includes(ruleId)) expected.push(`${file}:${index + 1}`);
      }
    });
  }
  return expected.sort();
}

/** Runs one rule over in-memory files and compares fired lines with the `expect:` markers. */
export async function checkExpectations(rule: Rule, texts: Record<string, string>, config: ResolvedConfig = DEFAULT_CONFIG): Promise<ExpectationResult> {
  const { files, settings } = withRegistrySnapshot(rule, texts);
  const workspace = Workspace.fromTexts(files);
  const result = await runRules(workspace, config, [rule], { capabilities: new Set(['resolve', 'history', 'verify']), settings });
  const actual = [...new Set(result.findings.map((finding) => `${finding.location.path}:${finding.location.line}`))].sort();
  return { expected: expectedLines(texts, rule.id), actual, findings: result.findings };
}

/**
 * `--resolve` rules run offline: a fixture's `registry.json` (or an example's `registry`) says what
 * the registry holds, and a snapshot client serves it. The snapshot is not a file of the tree.
 */
function withRegistrySnapshot(rule: Rule, texts: Record<string, string>): { files: Record<string, string>; settings: ScanSettings } {
  if (rule.requires !== 'resolve') return { files: texts, settings: {} };
  const { [REGISTRY_SNAPSHOT]: fixtureSnapshot, ...files } = texts;
  const example = [...rule.examples.bad, ...rule.examples.good].find((candidate) => texts[candidate.file] === candidate.code);
  const snapshot = fixtureSnapshot ?? example?.registry;
  if (snapshot === undefined) return { files: texts, settings: {} };
  return { files, settings: { resolve: { enabled: true, client: SnapshotRegistryClient.fromJson(snapshot, REGISTRY_SNAPSHOT) } } };
}

const REGISTRY_SNAPSHOT = 'registry.json';

/** Reads a fixture directory into path → text, with `.rampart.yaml` as its config when present. */
export function readFixtureDirectory(directory: string): { texts: Record<string, string>; config: ResolvedConfig } {
  const texts: Record<string, string> = {};
  let config = DEFAULT_CONFIG;
  const walk = (current: string): void => {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const relative = path.relative(directory, full).split(path.sep).join('/');
      if (relative.endsWith('.fixed')) continue;
      const text = readFileSync(full, 'utf8');
      if (relative === '.rampart.yaml') config = parseConfig(text, full);
      else texts[relative] = text;
    }
  };
  walk(directory);
  return { texts, config };
}
