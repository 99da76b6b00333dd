import type { Worker } from 'node:worker_threads';
import { startWorker } from '../sources/start-worker.js';
import { failureText, type LayerDigests } from './layer-reader.js';
import { readTarBodies, type ContentWanted, type EntryBodyVisitor } from './tar-reader.js';

/** A layer blob stored in a file, from byte `start`, `length` bytes long. */
export interface BlobFile {
  readonly file: string;
  readonly start: number;
  readonly length: number;
}

export interface InflateJob extends BlobFile {
  /** the decompressed tar, written in a circle */
  readonly ring: SharedArrayBuffer;
  /** BigInt64 slots: CONSUMED (the reader's position, all before it free), STOP (the reader gave up) */
  readonly control: SharedArrayBuffer;
}

export type InflateAnswer =
  | { readonly kind: 'data'; readonly written: number }
  | { readonly kind: 'done'; readonly written: number; readonly digests: LayerDigests };

export const CONSUMED = 0;
export const STOP = 1;
/** the worker's error when the reader stopped: not the layer's */
export const STOPPED = 'the tar reader stopped';

/** bytes of decompressed tar between the worker and the reader */
const RING_BYTES = 8 * 1024 * 1024;
/** blobs smaller than this are read in this thread: a thread costs more to start than they take */
export const WORKER_MIN_BYTES = 8 * 1024 * 1024;

const WORKER = { base: import.meta.url, name: 'layer-inflate-worker' };

/**
 * `readLayerBlob` for a blob in a file, with reading, hashing and decompression in a worker thread:
 * this thread only walks the tar, reading it in place from a shared ring, and allocates nothing per
 * chunk. Same digests, same entries, same errors as reading in this thread.
 */
export async function readLayerFileInWorker(blob: BlobFile, wanted: ContentWanted, visit: EntryBodyVisitor): Promise<LayerDigests> {
  const ring = new SharedArrayBuffer(RING_BYTES);
  const control = new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
  const worker: Worker = startWorker(WORKER.base, WORKER.name, { ...blob, ring, control: control.buffer } satisfies InflateJob);
  let written = 0;
  let finished: LayerDigests | undefined;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const rouse = (): void => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  worker.on('message', (answer: InflateAnswer) => {
    written = answer.written;
    if (answer.kind === 'done') finished = answer.digests;
    rouse();
  });
  worker.on('error', (error) => {
    failed ??= error;
    rouse();
  });
  worker.on('exit', () => {
    if (!finished) failed ??= new Error('the layer worker stopped');
    rouse();
  });

  let delivered = 0;
  async function* tar(): AsyncGenerator<Buffer> {
    for (;;) {
      if (delivered < written) {
        const offset = delivered % RING_BYTES;
        const end = Math.min(written, delivered + (RING_BYTES - offset));
        yield Buffer.from(ring, offset, end - delivered);
        delivered = end;
        continue;
      }
      if (finished || failed) return;
      await new Promise<void>((resolve) => { wake = resolve; });
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
  while (!finished && !failed) await new Promise<void>((resolve) => { wake = resolve; });
  void worker.terminate();
  if (!finished) throw failed!;
  // the worker's own failure (a corrupt gzip stream) is the layer's; else what the tar reader found
  const workerFailed = finished.error !== undefined && finished.error !== STOPPED;
  if (workerFailed || !tarError) return finished.error === STOPPED ? withoutError(finished) : finished;
  const { diffId: _diffId, ...digests } = finished;
  return { ...digests, error: failureText(tarError, finished.compression) };
}

function withoutError(digests: LayerDigests): LayerDigests {
  const { error: _error, ...rest } = digests;
  return rest;
}
