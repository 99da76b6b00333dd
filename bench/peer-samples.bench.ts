import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { redacted } from '../src/secrets/redact.js';
import { findSecrets } from '../src/secrets/scan-text.js';

/**
 * Recall on Nosey Parker's own rule examples, read at run time from a local mirror of the
 * repository (`NOSEYPARKER_REPO`, default /work/.mirror/praetorian-inc+noseyparker/repo; skipped
 * when absent) — never copied into Rampart. Each example line is placed in five file formats; an
 * example counts as found when Rampart reports a finding in it. Rules for identifiers, hashes and
 * resource names (not credentials) and the fuzzy generic rules are left out.
 */
const REPO = process.env['NOSEYPARKER_REPO'] ?? '/work/.mirror/praetorian-inc+noseyparker/repo';
const RULES = 'crates/noseyparker/data/default/builtin/rules';
const NOT_CREDENTIALS = /identifier|hash|bucket|client id|account id|resource name|s3|shopify domain|username|recipient|age recipient|public|google client id|react app username/i;

interface NpRule {
  readonly name: string;
  readonly categories?: readonly string[];
  readonly examples?: readonly string[];
}

const PLACEMENTS: ReadonlyArray<readonly [string, (line: string) => string]> = [
  ['notes.md', (line) => `Notes from setting up the service:\n\n${line}\n`],
  ['deploy.sh', (line) => `#!/bin/sh\nset -eu\n${line}\n`],
  ['ci.yaml', (line) => `steps:\n  - run: |\n      ${line}\n`],
  ['Dockerfile', (line) => `FROM alpine:3.20\nRUN ${line}\n`],
  ['app.py', (line) => `# kept for reference\n${line}\n`],
];

function git(...args: string[]): string {
  const result = spawnSync('git', ['--git-dir', REPO, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return result.status === 0 ? result.stdout : '';
}

export async function run(): Promise<void> {
  if (!existsSync(REPO)) {
    process.stdout.write(`skipped: no Nosey Parker mirror at ${REPO}\n`);
    return;
  }
  const rules = git('ls-tree', '--name-only', 'HEAD', `${RULES}/`).split('\n').filter((name) => name.endsWith('.yml'))
    .flatMap((file) => ((parse(git('show', `HEAD:${file}`)) as { rules?: NpRule[] } | null)?.rules ?? []));
  const credentialRules = rules.filter((rule) => !NOT_CREDENTIALS.test(rule.name) && !(rule.categories ?? []).some((category) => category === 'fuzzy' || category === 'identifier' || category === 'hash'));
  let total = 0;
  let found = 0;
  const misses: string[] = [];
  for (const rule of credentialRules) {
    for (const example of rule.examples ?? []) {
      for (const [file, place] of PLACEMENTS) {
        total += 1;
        const text = place(example);
        const line = text.split('\n').findIndex((candidate) => candidate.includes(example.split('\n')[0]!));
        const start = text.split('\n').slice(0, line).join('\n').length;
        const hits = findSecrets(text, file).filter((match) => match.end > start && match.start < start + 1 + example.length);
        if (hits.length > 0) found += 1;
        else if (file === 'notes.md') misses.push(`${rule.name}: ${redacted(example.trim())}`);
      }
    }
  }
  process.stdout.write(`Nosey Parker rule examples (${credentialRules.length} credential rules of ${rules.length}), each in ${PLACEMENTS.length} file formats:\n`);
  process.stdout.write(`  recall ${(found / total).toFixed(3)} (${found} of ${total})\n`);
  process.stdout.write(`  examples missed (markdown placement, redacted): ${misses.length}\n${misses.map((miss) => `    ${miss}\n`).join('')}`);
}
