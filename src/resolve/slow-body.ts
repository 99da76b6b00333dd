import { performance } from 'node:perf_hooks';
import { ResolveError } from './errors.js';

/**
 * A streamed body (a layer blob) has only undici's idle timeout between chunks, so a server that
 * sends a byte every few seconds (slow-loris) would never end. Past `graceMs` of waiting for the
 * server, a body whose average rate over that waiting is under `minBytesPerSecond` is given up, like
 * curl's --speed-limit. Only time spent waiting for the server counts, not time the reader held a
 * chunk (a layer reader waiting for YARA rules to compile is not a slow server).
 */
export interface SlowBodyRule {
  readonly graceMs: number;
  readonly minBytesPerSecond: number;
}

export const SLOW_BODY: SlowBodyRule = { graceMs: 30_000, minBytesPerSecond: 8 * 1024 };

export async function* refuseSlowBody(body: AsyncIterable<Buffer>, host: string, rule: SlowBodyRule = SLOW_BODY, now: () => number = () => performance.now()): AsyncGenerator<Buffer> {
  let waited = 0;
  let bytes = 0;
  const chunks = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const asked = now();
      const next = await chunks.next();
      if (next.done) return;
      waited += now() - asked;
      bytes += next.value.length;
      if (waited > rule.graceMs && bytes < (rule.minBytesPerSecond * waited) / 1000) {
        throw new ResolveError('timeout', `${host} sent ${bytes} bytes in ${Math.round(waited / 1000)} s, under ${rule.minBytesPerSecond / 1024} KiB/s; gave up`);
      }
      yield next.value;
    }
  } finally {
    await chunks.return?.();
  }
}
