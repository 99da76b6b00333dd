import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusTextFiles } from './corpus-files.js';
import { formatSpread, ratioSpread, spread } from './rounds.js';

/**
 * Issue 19: the every-layer tree scan against the `yaml` parse floor at 1×, 4× and 16× the corpus
 * (`RAMPART_SCALE=1,4` picks sizes, `RAMPART_SCALE_ROUNDS` the rounds, `RAMPART_SCALE_PER_RULE=1` times each rule). Each measurement runs in a
 * child process of its own, floor and scan interleaved round by round, so the time ratio and the
 * peak RSS ratio compare like with like; linear means the same ratio at every size.
 */
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scale-child.ts');

interface Measurement {
  readonly ms: number;
  /** user + system CPU time of the measured part: other processes on the machine do not inflate it */
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly slowest: string[];
  readonly kustomizeExec?: number;
}

function measure(mode: 'floor' | 'scan', factor: number): Measurement {
  const output = execFileSync(process.execPath, ['--import', 'tsx', child, mode, String(factor)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(output.trim().split('\n').pop()!) as Measurement;
}

export async function run(): Promise<void> {
  if (corpusTextFiles().length === 0) {
    process.stdout.write('(../shared/corpus absent: scale benchmark skipped)\n');
    return;
  }
  const factors = (process.env['RAMPART_SCALE'] ?? '1,4,16').split(',').map(Number);
  const rounds = Number(process.env['RAMPART_SCALE_ROUNDS'] ?? 3);
  process.stdout.write(`every-layer scan of N copies of the corpus in memory vs parsing its YAML with \`yaml\` (CPU time and peak RSS, min/median/max of ${rounds} interleaved rounds, each in its own process):\n`);
  for (const factor of factors) {
    const floor: Measurement[] = [];
    const scan: Measurement[] = [];
    for (let round = 0; round < rounds; round += 1) {
      floor.push(measure('floor', factor));
      scan.push(measure('scan', factor));
    }
    const time = ratioSpread(scan.map((m) => m.cpuMs), floor.map((m) => m.cpuMs));
    const rss = ratioSpread(scan.map((m) => m.rssMb), floor.map((m) => m.rssMb));
    process.stdout.write(`  ${String(factor).padStart(2)}×  CPU floor ${formatSpread(spread(floor.map((m) => m.cpuMs / 1000)), 2, ' s')}  scan ${formatSpread(spread(scan.map((m) => m.cpuMs / 1000)), 2, ' s')}  ratio ${formatSpread(time, 2)}x` +
      `  peak RSS floor ${formatSpread(spread(floor.map((m) => m.rssMb)), 0, ' MB')} scan ${formatSpread(spread(scan.map((m) => m.rssMb)), 0, ' MB')} ratio ${formatSpread(rss, 2)}x\n`);
    if (scan.at(-1)!.slowest.length > 0) process.stdout.write(`      kustomize-exec-function ${formatSpread(spread(scan.map((m) => m.kustomizeExec ?? 0)), 0, ' ms')}; slowest (last round, ms): ${scan.at(-1)!.slowest.join(', ')}\n`);
  }
}
