import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import type { Compression } from './decompress.js';
import { GzipInto } from './gzip-into.js';
import type { BlobFile } from './layer-inflate.js';
import { expansionExceeded, type LayerLimits } from './layer-limits.js';
import type { LayerDigests } from './layer-reader.js';
import { failureText } from './layer-reader.js';

/** Where the tar goes: memory in a circle, written piece by piece as the reader makes room. */
export interface TarSink {
  /** the memory the next tar bytes go to (never empty): free only as far as `free` says */
  next(): Uint8Array;
  /** bytes free after what is written; throws once the reader stopped */
  free(): number;
  /** resolves once `bytes` are free; rejects once the reader stopped */
  room(bytes: number): Promise<void>;
  /** the first `count` bytes of `next()` now hold tar */
  commit(count: number): void;
}

/** free memory to write the tar into (never empty), once the reader has made room */
async function space(sink: TarSink): Promise<Uint8Array> {
  await sink.room(1);
  const out = sink.next();
  return out.subarray(0, Math.min(out.length, sink.free()));
}

/** copies `chunk` into the sink; `deliver` marks each piece written (false: stop there) */
export async function copyToSink(sink: TarSink, chunk: Uint8Array, deliver = (_out: Uint8Array, count: number): boolean => { sink.commit(count); return true; }): Promise<void> {
  for (let at = 0; at < chunk.length;) {
    const out = await space(sink);
    const count = Math.min(out.length, chunk.length - at);
    out.set(chunk.subarray(at, at + count));
    if (!deliver(out, count)) return;
    at += count;
  }
}

/** bytes read from the file at a time, and decompressed into the sink at most at a time */
const STEP = 1024 * 1024;

/** the gunzip this reader needs for `compression`, or undefined when it cannot read it (zstd; a Node without the binding's fields) */
export function directReader(compression: Compression): GzipInto | 'copy' | undefined {
  if (compression === 'none') return 'copy';
  if (compression === 'gzip') return GzipInto.create();
  return undefined;
}

/**
 * `digestLayer` for a plain or gzip blob in an open file: read in 1 MiB steps into one buffer,
 * hashed, and inflated (or copied) straight into the sink, synchronously and without a stream, a
 * buffer or a thread-pool hop per chunk. Same digests, sizes and errors as `digestLayer`: the stored
 * bytes are hashed to the end whatever happens to the tar, and a plain tar is hashed once (its blob
 * digest is its diff_id).
 */
export async function digestLayerFile(fd: number, blob: BlobFile, compression: Compression, reader: GzipInto | 'copy', sink: TarSink, limits: LayerLimits): Promise<LayerDigests> {
  const gunzip = reader === 'copy' ? undefined : reader;
  const blobHash = createHash('sha256');
  const tarHash = gunzip ? createHash('sha256') : undefined;
  const input = Buffer.allocUnsafe(STEP);
  let blobSize = 0;
  let expandedSize = 0;
  let failure: Error | undefined;

  /** hands the `count` bytes just written to `out` to the reader; false when they pass the expansion budget */
  const deliver = (out: Uint8Array, count: number): boolean => {
    expandedSize += count;
    const exceeded = limits.expansion && expansionExceeded(limits.expansion, blobSize, expandedSize);
    if (exceeded) {
      failure = new Error(exceeded);
      return false;
    }
    tarHash?.update(out.subarray(0, count));
    sink.commit(count);
    return true;
  };
  /** inflates all of `chunk`, or finishes the stream when it is undefined */
  const inflate = async (inflater: GzipInto, chunk: Uint8Array | undefined): Promise<void> => {
    let at = 0;
    while (!inflater.ended) {
      const out = await space(sink);
      const { consumed, produced } = inflater.inflate(chunk?.subarray(at), out);
      at += consumed;
      if (produced > 0 && !deliver(out, produced)) return;
      // output room left over: all the input was taken (or the stream ended)
      if (produced < out.length || (chunk && at === chunk.length)) return;
    }
  };

  try {
    while (blobSize < blob.length) {
      const read = readSync(fd, input, 0, Math.min(STEP, blob.length - blobSize), blob.start + blobSize);
      if (read === 0) break; // the file is shorter than it was: the blob digest says so
      const chunk = input.subarray(0, read);
      blobHash.update(chunk);
      blobSize += read;
      if (failure || gunzip?.ended) continue;
      try {
        await (gunzip ? inflate(gunzip, chunk) : copyToSink(sink, chunk, deliver));
      } catch (error) {
        failure = error as Error;
      }
    }
    if (gunzip && !failure && !gunzip.ended) await inflate(gunzip, undefined).catch((error: Error) => { failure = error; });
  } finally {
    gunzip?.close();
  }
  const blobDigest = `sha256:${blobHash.digest('hex')}`;
  return {
    blobDigest,
    blobSize,
    compression,
    expandedSize,
    ...(failure ? { error: failureText(failure, compression) } : { diffId: tarHash ? `sha256:${tarHash.digest('hex')}` : blobDigest }),
  };
}
