import { describe, expect, it } from 'vitest';
import { refuseSlowBody } from './slow-body.js';

/** chunks of `size` bytes, each arriving `everyMs` later on a fake clock */
function trickle(count: number, size: number, everyMs: number, clock: { now: number }): AsyncIterable<Buffer> {
  return (async function* chunks() {
    for (let index = 0; index < count; index++) {
      clock.now += everyMs;
      yield Buffer.alloc(size);
    }
  })();
}

async function drain(body: AsyncIterable<Buffer>): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return bytes;
}

describe('slow bodies (slow-loris)', () => {
  const rule = { graceMs: 30_000, minBytesPerSecond: 8 * 1024 };

  it('gives up on a byte every 9 s once the grace is over, naming the host', async () => {
    const clock = { now: 0 };
    await expect(drain(refuseSlowBody(trickle(1000, 1, 9_000, clock), 'registry.test', rule, () => clock.now))).rejects.toThrow('registry.test sent 4 bytes in 36 s, under 8 KiB/s; gave up');
    expect(clock.now).toBe(36_000);
  });

  it('lets a slow start through when the average catches up, and any body within the grace', async () => {
    const clock = { now: 0 };
    expect(await drain(refuseSlowBody(trickle(100, 64 * 1024, 1_000, clock), 'registry.test', rule, () => clock.now))).toBe(100 * 64 * 1024);
    const quick = { now: 0 };
    expect(await drain(refuseSlowBody(trickle(10, 1, 2_000, quick), 'registry.test', rule, () => quick.now))).toBe(10);
  });

  it('does not count the time the reader held a chunk', async () => {
    const clock = { now: 0 };
    let bytes = 0;
    for await (const chunk of refuseSlowBody(trickle(5, 256 * 1024, 100, clock), 'registry.test', rule, () => clock.now)) {
      bytes += chunk.length;
      clock.now += 60_000; // the reader is busy for a minute per chunk
    }
    expect(bytes).toBe(5 * 256 * 1024);
  });
});
