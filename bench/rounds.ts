import { performance } from 'node:perf_hooks';

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

export function formatSpread(value: Spread, digits = 1, unit = ''): string {
  return `${value.min.toFixed(digits)}/${value.median.toFixed(digits)}/${value.max.toFixed(digits)}${unit}`;
}

/**
 * Runs every case once per round, cases interleaved within a round (so a noisy neighbour hits
 * them alike), after one warm-up round. Returns each case's times in ms, round by round.
 */
export async function interleavedRounds(rounds: number, cases: Record<string, () => unknown>): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = -1; round < rounds; round += 1) {
    for (const [name, work] of Object.entries(cases)) {
      const started = performance.now();
      await work();
      if (round >= 0) times[name]!.push(performance.now() - started);
    }
  }
  return times;
}

/** Per-round ratios of `times` to `baseline` (same round), summarised. */
export function ratioSpread(times: readonly number[], baseline: readonly number[]): Spread {
  return spread(times.map((time, round) => time / baseline[round]!));
}
