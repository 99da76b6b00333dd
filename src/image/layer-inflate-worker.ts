import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { digestLayer } from './layer-reader.js';
import { CONSUMED, STOP, STOPPED, type InflateAnswer, type InflateJob } from './layer-inflate.js';

/**
 * Worker thread entry: reads one layer blob from its file, hashes the stored bytes, decompresses,
 * hashes the tar stream and writes it into the shared ring the main thread reads the tar from.
 * Decompression and hashing allocate here, in a thread whose heap is nearly empty, so the garbage
 * they leave is cheap to collect.
 */
/** Node 20 has it; TypeScript's library for the project's target does not declare it */
interface AtomicsWaitAsync {
  waitAsync(array: BigInt64Array, index: number, value: bigint): { value: Promise<string> | string };
}

const job = workerData as InflateJob;
const ring = new Uint8Array(job.ring);
const control = new BigInt64Array(job.control);
/** tell the reader at least this often, so it never waits long for bytes already written */
const NOTIFY_BYTES = 256 * 1024;
let written = 0;
let posted = 0;

function notify(): void {
  if (written === posted) return;
  posted = written;
  const answer: InflateAnswer = { kind: 'data', written };
  parentPort!.postMessage(answer);
}

async function put(chunk: Buffer): Promise<void> {
  let at = 0;
  while (at < chunk.length) {
    if (Atomics.load(control, STOP) !== 0n) throw new Error(STOPPED);
    const consumed = Number(Atomics.load(control, CONSUMED));
    const free = ring.length - (written - consumed);
    if (free === 0) {
      notify(); // before waiting: the reader may be waiting for what is already written
      // a pending waitAsync does not keep a thread's event loop alive: a timer does, meanwhile
      const alive = setInterval(() => undefined, 60_000);
      await (Atomics as unknown as AtomicsWaitAsync).waitAsync(control, CONSUMED, BigInt(consumed)).value;
      clearInterval(alive);
      continue;
    }
    const offset = written % ring.length;
    const count = Math.min(free, ring.length - offset, chunk.length - at);
    ring.set(chunk.subarray(at, at + count), offset);
    written += count;
    at += count;
    if (written - posted >= NOTIFY_BYTES) notify();
  }
}

const stream = createReadStream(job.file, job.length === 0 ? { start: 1, end: 0 } : { start: job.start, end: job.start + job.length - 1, highWaterMark: 256 * 1024 });
const digests = await digestLayer(stream, async (tar) => {
  for (let next = await tar.next(); !next.done; next = await tar.next()) await put(next.value);
});
stream.destroy();
notify();
const answer: InflateAnswer = { kind: 'done', written, digests };
parentPort!.postMessage(answer);
