/**
 * How much more CPU time a larger input costs than a smaller one, for tests that a hostile input
 * cannot make a reader super-linear. Absolute times flake on a loaded machine; a ratio measured in
 * the same process, sizes interleaved and the least of several rounds kept, does not (interference
 * only ever adds time, so the minimum is the work).
 */
export interface Growth {
  readonly small: number;
  readonly large: number;
  /** large / small, the small time floored at `floorMs` so that timer resolution does not inflate it */
  readonly ratio: number;
}

function cpuMilliseconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export async function cpuGrowth(small: () => unknown, large: () => unknown, options: { rounds?: number; floorMs?: number } = {}): Promise<Growth> {
  const rounds = options.rounds ?? 3;
  const best = [Infinity, Infinity];
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, work] of [small, large].entries()) {
      const started = cpuMilliseconds();
      await work();
      best[index] = Math.min(best[index]!, cpuMilliseconds() - started);
    }
  }
  const [smallMs, largeMs] = best as [number, number];
  return { small: smallMs, large: largeMs, ratio: largeMs / Math.max(smallMs, options.floorMs ?? 1) };
}

/** A readable verdict for `expect(...).toBeLessThan`: the ratio, with both times in the failure message. */
export function describeGrowth(growth: Growth): string {
  return `${growth.small.toFixed(1)} ms -> ${growth.large.toFixed(1)} ms (${growth.ratio.toFixed(1)}x)`;
}
