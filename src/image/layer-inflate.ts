import type { Worker } from 'node:worker_threads';
import { releaseWalkableRing, walkableRing } from '../secrets/keyword-presence.js';
import { startWorker } from '../sources/start-worker.js';
import { addTime } from './analysis-timings.js';
import type { LayerLimits } from './layer-limits.js';
import { failureText, type LayerDigests } from './layer-reader.js';
import { readTarBodies, type ContentWanted, type EntryBodyVisitor } from './tar-reader.js';

/** A layer blob stored in a file, from byte `start`, `length` bytes long. */
export interface BlobFile {
  readonly file: string;
  readonly start: number;
  readonly length: number;
}

export interface InflateJob extends BlobFile {
  readonly id: number;
  /** the decompressed tar, written in a circle into RING_BYTES of this memory from `ringOffset` */
  readonly ring: SharedArrayBuffer;
  readonly ringOffset: number;
  /** BigInt64 slots: CONSUMED (the reader's position, all before it free), STOP (the reader gave up) */
  readonly control: SharedArrayBuffer;
  readonly limits: LayerLimits;
}

export type InflateAnswer =
  | { readonly id: number; readonly kind: 'data'; readonly written: number }
  /** `cpuMs`: the worker thread's CPU since its last answer of this kind (NaN unless RAMPART_IMAGE_TIMINGS is set) */
  | { readonly id: number; readonly kind: 'done'; readonly written: number; readonly digests: LayerDigests; readonly cpuMs: number }
  | { readonly id: number; readonly kind: 'failed'; readonly message: string; readonly code?: string | undefined };

export const CONSUMED = 0;
export const STOP = 1;
/** the worker's error when the reader stopped: not the layer's */
export const STOPPED = 'the tar reader stopped';

/** bytes of decompressed tar between the worker and the reader */
export const RING_BYTES = 8 * 1024 * 1024;
/** blobs smaller than this are read in this thread: handing them over costs more than they take (a 1.7 MB gzip layer already costs less in the worker) */
export const WORKER_MIN_BYTES = 1024 * 1024;

const WORKER = { base: import.meta.url, name: 'layer-inflate-worker' };

interface Reading {
  written: number;
  finished?: LayerDigests;
  failed?: Error;
  wake?: (() => void) | undefined;
}

/**
 * The one worker thread of the process that reads layer files, started on first use; it does not
 * keep the process alive while no layer is being read. A thread that dies fails the layers it was
 * reading (each a clear error), and the next layer starts a new one.
 */
class InflateThread {
  private static current: InflateThread | undefined;
  private readonly readings = new Map<number, Reading>();
  private nextId = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (answer: InflateAnswer) => {
      const reading = this.readings.get(answer.id);
      if (!reading) return;
      if (answer.kind === 'failed') reading.failed = Object.assign(new Error(answer.message), answer.code ? { code: answer.code } : {});
      else {
        reading.written = answer.written;
        if (answer.kind === 'done') {
          reading.finished = answer.digests;
          addTime('layer worker: read, hash, decompress', answer.cpuMs);
        }
      }
      rouse(reading);
    });
    const fail = (error: Error): void => {
      if (InflateThread.current === this) InflateThread.current = undefined;
      for (const reading of this.readings.values()) {
        reading.failed ??= error;
        rouse(reading);
      }
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the layer worker stopped')));
    worker.unref();
  }

  static get(): InflateThread {
    InflateThread.current ??= new InflateThread(startWorker(WORKER.base, WORKER.name));
    return InflateThread.current;
  }

  start(blob: BlobFile, ring: { buffer: SharedArrayBuffer; offset: number }, control: SharedArrayBuffer, limits: LayerLimits): { id: number; reading: Reading } {
    const id = this.nextId++;
    const reading: Reading = { written: 0 };
    this.readings.set(id, reading);
    if (this.readings.size === 1) this.worker.ref();
    const job: InflateJob = { ...blob, id, ring: ring.buffer, ringOffset: ring.offset, control, limits };
    this.worker.postMessage(job);
    return { id, reading };
  }

  end(id: number): void {
    this.readings.delete(id);
    if (this.readings.size === 0) this.worker.unref();
  }
}

function rouse(reading: Reading): void {
  const wake = reading.wake;
  reading.wake = undefined;
  wake?.();
}

function settled(reading: Reading): Promise<void> {
  return new Promise<void>((resolve) => { reading.wake = resolve; });
}

/**
 * `readLayerBlob` for a blob in a file, with reading, hashing and decompression in a worker thread:
 * this thread only walks the tar, reading it in place from a shared ring, and allocates nothing per
 * chunk. Same digests, same entries, same errors as reading in this thread. The ring is memory the
 * secrets keyword walk reads in place (walkableRing), given back for the next layer once read.
 */
export async function readLayerFileInWorker(blob: BlobFile, wanted: ContentWanted, visit: EntryBodyVisitor, limits: LayerLimits = {}): Promise<LayerDigests> {
  const walkable = walkableRing(RING_BYTES);
  const { buffer: ring, offset: ringStart } = walkable;
  const control = new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
  const thread = InflateThread.get();
  const { id, reading } = thread.start(blob, walkable, control.buffer as SharedArrayBuffer, limits);
  try {
    let delivered = 0;
    async function* tar(): AsyncGenerator<Buffer> {
      for (;;) {
        if (delivered < reading.written) {
          const offset = delivered % RING_BYTES;
          const end = Math.min(reading.written, delivered + (RING_BYTES - offset));
          yield Buffer.from(ring, ringStart + offset, end - delivered);
          delivered = end;
          continue;
        }
        if (reading.finished || reading.failed) return;
        await settled(reading);
      }
    }
    const release = (position: number): void => {
      Atomics.store(control, CONSUMED, BigInt(position));
      Atomics.notify(control, CONSUMED);
    };
    let tarError: Error | undefined;
    try {
      const reader = await readTarBodies(tar(), wanted, visit, { maxPinned: RING_BYTES / 2, release });
      await reader.drain();
    } catch (error) {
      tarError = error as Error;
    }
    Atomics.store(control, STOP, 1n);
    Atomics.notify(control, CONSUMED);
    while (!reading.finished && !reading.failed) await settled(reading);
    const { finished } = reading;
    // the worker is done with the ring (a failed thread may not be: its ring is not used again)
    if (finished) releaseWalkableRing(ring);
    if (!finished) throw reading.failed!;
    // the worker's own failure (a corrupt gzip stream) is the layer's; else what the tar reader found
    if (finished.error !== undefined && finished.error !== STOPPED) return finished;
    const { error: _error, diffId, ...digests } = finished;
    return tarError ? { ...digests, error: failureText(tarError, finished.compression) } : { ...digests, ...(diffId ? { diffId } : {}) };
  } finally {
    thread.end(id);
  }
}
