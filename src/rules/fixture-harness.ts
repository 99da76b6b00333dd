import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../config/load.js';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../config/schema.js';
import { runRules } from '../engine/run.js';
import type { Finding } from '../model/finding.js';
import { Workspace } from '../model/workspace.js';
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
  const workspace = Workspace.fromTexts(texts);
  const result = await runRules(workspace, config, [rule], { capabilities: new Set(['resolve', 'history', 'verify']) });
  const actual = [...new Set(result.findings.map((finding) => `${finding.location.path}:${finding.location.line}`))].sort();
  return { expected: expectedLines(texts, rule.id), actual, findings: result.findings };
}

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
