import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSpread, interleavedRounds, spread } from './rounds.js';

/**
 * Issue 19: start-up. `rampart --version` must cost at most 0.05 s over `node -e 0`; an empty scan
 * shows what loading the CLI costs. Each run is a fresh process (the built CLI: `npm run build` first).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'rampart.js');
const empty = path.join(here, '..', '.bench', 'empty-tree');

export async function run(): Promise<void> {
  mkdirSync(empty, { recursive: true });
  const node = (args: string[]) => () => execFileSync(process.execPath, args, { stdio: 'ignore' });
  const times = await interleavedRounds(15, {
    'node -e 0': node(['-e', '0']),
    'rampart --version': node([bin, '--version']),
    'rampart scan <empty directory>': node([bin, 'scan', empty, '--quiet']),
  });
  const baseline = times['node -e 0']!;
  process.stdout.write('start-up, ms min/median/max of 15 interleaved rounds; over node = per-round difference:\n');
  for (const [label, values] of Object.entries(times)) {
    const over = spread(values.map((value, round) => value - baseline[round]!));
    process.stdout.write(`  ${label.padEnd(32)} ${formatSpread(spread(values), 0, ' ms')}${label === 'node -e 0' ? '' : `  over node ${formatSpread(over, 0, ' ms')}`}\n`);
  }
}
