import { openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import type { LayerVisitor } from './analyze.js';

/**
 * Where image analysis spends its time, for the benchmark (`npm run bench -- analyze-images`): with
 * `RAMPART_IMAGE_TIMINGS=FILE` the process writes each part's milliseconds to FILE as JSON when it
 * exits; `RAMPART_IMAGE_TIMINGS=1` (or `stderr`) writes that JSON line to stderr instead, so a flag-like
 * value never leaves a file named `1` in the working directory. Otherwise every function here
 * returns at once and nothing is measured.
 */
const target = isMainThread ? process.env['RAMPART_IMAGE_TIMINGS'] : undefined;
export const timingsOn = isMainThread ? Boolean(target) : Boolean(process.env['RAMPART_IMAGE_TIMINGS']);
const parts = new Map<string, number>();

export function addTime(part: string, ms: number): void {
  if (timingsOn) parts.set(part, (parts.get(part) ?? 0) + ms);
}

const statBuffer = Buffer.alloc(256);
let statFile: number | undefined;
/**
 * CPU time of the calling thread in ms (Linux `/proc/thread-self/schedstat`, nanoseconds, kept open:
 * the file names the thread that opened it); NaN where there is no such file.
 */
export function threadCpuMs(): number {
  if (!timingsOn) return Number.NaN;
  try {
    statFile ??= openSync('/proc/thread-self/schedstat', 'r');
    const length = readSync(statFile, statBuffer, 0, statBuffer.length, 0);
    return Number(statBuffer.toString('latin1', 0, length).split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** Adds this thread's CPU time spent in `work` (to its promise's end) to `part`. */
export async function cpuTimed<T>(part: string, work: () => Promise<T>): Promise<T> {
  if (!timingsOn) return work();
  const before = threadCpuMs();
  try {
    return await work();
  } finally {
    addTime(part, threadCpuMs() - before);
  }
}

/**
 * Per-visitor CPU only with `RAMPART_IMAGE_TIMINGS_VISITORS=1` as well: two readings of the thread's
 * CPU per file and visitor cost the bench set's cold run about 0.3 s of the main thread's CPU.
 */
const visitorTimingsOn = timingsOn && isMainThread && process.env['RAMPART_IMAGE_TIMINGS_VISITORS'] === '1';

/**
 * The visitors, each wrapped so that the synchronous part of its calls (what it holds the thread for,
 * handing work to a worker included, waiting for one not) counts as `visitor <Class>`: CPU time for
 * `visit`, `visitBody` and `endLayer`, wall time for the many brief `wanted` calls (a CPU reading costs ~5 µs).
 */
export function timedVisitors(visitors: readonly LayerVisitor[]): readonly LayerVisitor[] {
  if (!visitorTimingsOn) return visitors;
  return visitors.map((visitor) => {
    const part = `visitor ${visitor.constructor.name}`;
    const timed = <A extends unknown[], R>(call: (...args: A) => R, clock: () => number) => (...args: A): R => {
      const started = clock();
      try {
        return call.apply(visitor, args);
      } finally {
        addTime(part, clock() - started);
      }
    };
    return new Proxy(visitor, {
      get(object, property) {
        const value = Reflect.get(object, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'wanted') return timed(value as (...args: unknown[]) => unknown, () => performance.now());
        return property === 'visit' || property === 'visitBody' || property === 'endLayer' ? timed(value as (...args: unknown[]) => unknown, threadCpuMs) : value;
      },
    });
  });
}

let threadsSeen: Record<string, number> = {};
/** notes every thread's CPU time so far (worker threads may end before the process exits) */
export function noteThreads(): void {
  if (timingsOn) threadsSeen = threadsCpuMs();
}

/** every thread's CPU time (ms) by its thread id */
function threadsCpuMs(): Record<string, number> {
  const threads: Record<string, number> = {};
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        threads[tid] = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ')[0]) / 1e6;
      } catch {
        // the thread ended while the list was read
      }
    }
  } catch {
    // not Linux
  }
  return threads;
}

/** values of RAMPART_IMAGE_TIMINGS that mean "on, to stderr" rather than a file name */
const toStderr = new Set(['1', 'true', 'yes', 'on', 'stderr', '-']);

if (target) {
  process.on('exit', () => {
    const usage = process.cpuUsage();
    const json = JSON.stringify({ parts: Object.fromEntries(parts), mainThreadCpuMs: threadCpuMs(), processCpuMs: (usage.user + usage.system) / 1000, threads: threadsSeen });
    if (toStderr.has(target.toLowerCase())) process.stderr.write(`rampart image timings: ${json}\n`);
    else writeFileSync(target, json);
  });
}

/**
 * `RAMPART_BENCH_WITHOUT=YaraLayerScanner,PackageCollector,…`, for the benchmark's split only
 * (`npm run bench -- analyze-images`): the named layer visitors are left out, so that a run without
 * one shows what it costs. The findings are then incomplete (said on stderr). The layer cache key
 * covers the visitors (their salts), so such a run never shares cached layers with a full one.
 */
const benchWithout = new Set((isMainThread ? process.env['RAMPART_BENCH_WITHOUT'] ?? '' : '').split(',').filter(Boolean));
let benchWithoutSaid = false;

export function withoutBenchVisitors(visitors: readonly LayerVisitor[]): readonly LayerVisitor[] {
  if (benchWithout.size === 0) return visitors;
  if (!benchWithoutSaid) {
    benchWithoutSaid = true;
    process.stderr.write(`rampart: RAMPART_BENCH_WITHOUT leaves out ${[...benchWithout].join(', ')}: a benchmark run, its findings are incomplete\n`);
  }
  // a bundler may suffix a class name to keep it unique
  return visitors.filter((visitor) => !benchWithout.has(visitor.constructor.name.replace(/\d+$/, '')));
}
