import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { threadCpuMs } from './analysis-timings.js';
import { findZstd, sniffCompression } from './decompress.js';
import { copyToSink, digestLayerFile, directReader, type TarSink } from './layer-file-direct.js';
import { digestLayer, type LayerDigests } from './layer-reader.js';
import { digestZstdFile } from './zstd-into.js';
import { CONSUMED, RING_BYTES, STOP, STOPPED, type InflateAnswer, type InflateJob } from './layer-inflate.js';

/**
 * Worker thread entry: reads layer blobs from their files, hashes the stored bytes, decompresses,
 * hashes the tar stream and writes it into the shared ring the main thread reads the tar from.
 * Decompression and hashing allocate here, in a thread whose heap is nearly empty, so the garbage
 * they leave is cheap to collect. The thread serves every layer of the process, one job per message.
 */

/** Node 20 has it; TypeScript's library for the project's target does not declare it */
interface AtomicsWaitAsync {
  waitAsync(array: BigInt64Array, index: number, value: bigint): { value: Promise<string> | string };
}

/** tell the reader at least this often (an eighth of the ring): it is never more than this behind */
const NOTIFY_BYTES = 1024 * 1024;

/** this thread's CPU when it last said it was done with a layer (for RAMPART_IMAGE_TIMINGS) */
let cpuAnswered = threadCpuMs();

async function inflate(job: InflateJob): Promise<void> {
  const ring = new Uint8Array(job.ring, job.ringOffset, RING_BYTES);
  const control = new BigInt64Array(job.control);
  let written = 0;
  let posted = 0;
  const notify = (): void => {
    if (written === posted) return;
    posted = written;
    const answer: InflateAnswer = { id: job.id, kind: 'data', written };
    parentPort!.postMessage(answer);
  };
  const free = (): number => {
    if (Atomics.load(control, STOP) !== 0n) throw new Error(STOPPED);
    return ring.length - (written - Number(Atomics.load(control, CONSUMED)));
  };
  const room = async (bytes: number): Promise<void> => {
    for (;;) {
      const consumed = Number(Atomics.load(control, CONSUMED));
      if (free() >= bytes) return;
      notify(); // before waiting: the reader may be waiting for what is already written
      // a pending waitAsync does not keep a thread's event loop alive: a timer does, meanwhile
      const alive = setInterval(() => undefined, 60_000);
      await (Atomics as unknown as AtomicsWaitAsync).waitAsync(control, CONSUMED, BigInt(consumed)).value;
      clearInterval(alive);
    }
  };
  const sink: TarSink = {
    // at most a notification's worth, so the reader hears of it in time
    next: () => {
      const offset = written % ring.length;
      return ring.subarray(offset, offset + Math.min(ring.length - offset, NOTIFY_BYTES));
    },
    free,
    room,
    commit: (count) => {
      written += count;
      if (written - posted >= NOTIFY_BYTES) notify();
    },
  };
  try {
    const digests = await readFile(job, sink);
    notify();
    const now = threadCpuMs();
    const answer: InflateAnswer = { id: job.id, kind: 'done', written, digests, cpuMs: now - cpuAnswered };
    cpuAnswered = now;
    parentPort!.postMessage(answer);
  } catch (error) {
    // the file could not be opened or read: said like any other failure of the source
    const answer: InflateAnswer = { id: job.id, kind: 'failed', message: (error as Error).message, code: (error as NodeJS.ErrnoException).code };
    parentPort!.postMessage(answer);
  }
}

/** gzip, plain tar and zstd (by the zstd program) read straight into the ring; else (a blob with a stored-size cap, the JavaScript zstd decoder) through the streams */
async function readFile(job: InflateJob, sink: TarSink): Promise<LayerDigests> {
  if (job.limits.maxStoredBytes === undefined) {
    const fd = openSync(job.file, 'r');
    try {
      const head = Buffer.alloc(4);
      const compression = sniffCompression(head.subarray(0, readSync(fd, head, 0, Math.min(4, job.length), job.start)));
      const reader = directReader(compression);
      if (reader) return await digestLayerFile(fd, job, compression, reader, sink, job.limits);
      const zstd = compression === 'zstd' ? findZstd() : null;
      const digests = zstd ? await digestZstdFile(fd, job, zstd, sink, job.limits) : undefined;
      if (digests) return digests;
    } finally {
      closeSync(fd);
    }
  }
  const stream = job.length === 0 ? Readable.from([]) : createReadStream(job.file, { start: job.start, end: job.start + job.length - 1, highWaterMark: 256 * 1024 });
  try {
    return await digestLayer(stream, async (tar) => {
      for (let next = await tar.next(); !next.done; next = await tar.next()) await copyToSink(sink, next.value);
    }, 256 * 1024, job.limits); // larger chunks than in the main thread: fewer callbacks, and their garbage is collected here
  } finally {
    stream.destroy();
  }
}

parentPort?.on('message', (job: InflateJob) => { void inflate(job); });
