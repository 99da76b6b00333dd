import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../src/rules/index.js';
import { best } from './scan.bench.js';
import { scan } from '../src/scan.js';
import { ALNUM, SampleRandom } from '../src/secrets/random.js';

/**
 * Issue 12 case 7: a file of nothing but `password=<20 characters>` lines, each one a finding.
 * Every per-finding step must be O(1) or O(log n), so the scan grows linearly with the file:
 * compared with a plain regular-expression pass over the same bytes, at 1 MB and at 9 MB.
 */
const base = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.bench', 'hostile');

function generate(megabytes: number): string {
  const root = path.join(base, `passwords-${megabytes}mb`);
  const file = path.join(root, 'app.env');
  if (!existsSync(file)) {
    mkdirSync(root, { recursive: true });
    const random = new SampleRandom(`bench-${megabytes}`);
    const lines: string[] = [];
    for (let size = 0; size < megabytes * 1024 * 1024; size += 30) lines.push(`password=${random.chars(ALNUM, 20)}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
  }
  return root;
}

/** the baseline: read the file and find every `password=` assignment with one regular expression */
function plainRegex(root: string): number {
  const text = readFileSync(path.join(root, 'app.env'), 'utf8');
  let count = 0;
  for (const _ of text.matchAll(/password=(\S{8,})/g)) count += 1;
  return count;
}

export async function run(): Promise<void> {
  const perMb: number[] = [];
  for (const megabytes of [1, 9]) {
    const root = generate(megabytes);
    const baseline = await best(3, () => plainRegex(root));
    const rampart = await best(2, () => scan(root, { only: RULES.filter((rule) => rule.layer === 'secrets').map((rule) => rule.id) }));
    const { report } = rampart.value;
    const omitted = report.diagnostics.find((diagnostic) => /more secret-generic-credential findings/.test(diagnostic.message))?.message.split(' ')[0] ?? '0';
    perMb.push(rampart.ms / megabytes);
    process.stdout.write(`${megabytes} MB of password lines (${baseline.value} assignments): plain regex ${baseline.ms.toFixed(0)} ms, rampart secrets layer ${rampart.ms.toFixed(0)} ms, ratio ${(rampart.ms / baseline.ms).toFixed(1)}x; ${report.findings.length} findings listed, ${omitted} counted in a note\n`);
  }
  process.stdout.write(`time per MB at 9 MB / at 1 MB: ${(perMb[1]! / perMb[0]!).toFixed(2)} (1.0 is linear; quadratic work would be about 9)\n`);
}
