import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Duplex, Readable } from 'node:stream';
import { decompressor, sniffCompression, type Compression } from './decompress.js';
import { expansionExceeded, type LayerLimits } from './layer-limits.js';
import { readTarBodies, type ContentWanted, type EntryBodyVisitor } from './tar-reader.js';

export interface LayerDigests {
  /** sha256 of the bytes as stored (the blob) */
  readonly blobDigest: string;
  readonly blobSize: number;
  readonly compression: Compression;
  /** uncompressed bytes read (to the end, or to where reading stopped) */
  readonly expandedSize?: number;
  /** sha256 of the uncompressed tar; absent when it could not be decompressed to the end */
  readonly diffId?: string;
  /** why the layer could not be read to its end */
  readonly error?: string;
}

/**
 * Reads one layer blob exactly once: hashes the stored bytes, decompresses (gzip, zstd or none, by
 * magic bytes), hashes the tar stream and walks its entries. A broken layer is not an exception:
 * the stored bytes are still read to the end and hashed, and `error` says what was wrong.
 */
export async function readLayerBlob(blob: Readable, wanted: ContentWanted, visit: EntryBodyVisitor, limits: LayerLimits = {}): Promise<LayerDigests> {
  return digestLayer(blob, async (tar) => {
    const reader = await readTarBodies(tar, wanted, visit);
    await reader.drain(); // the diff_id covers the end-of-archive blocks and any padding after them
  }, undefined, limits);
}

/**
 * The stored bytes hashed to the end, decompressed, and the tar stream hashed as `consume` reads it;
 * `consume` throwing stops the decompression (its error is the layer's, unless the decompression
 * failed first), never the hashing of the stored bytes. `limits` stops the decompression past the
 * expansion budget, and the reading of stored bytes past `maxStoredBytes` (see layer-limits.ts).
 */
export async function digestLayer(blob: Readable, consume: (tar: AsyncIterator<Buffer>) => Promise<void>, chunkSize?: number, limits: LayerLimits = {}): Promise<LayerDigests> {
  const blobHash = createHash('sha256');
  let blobSize = 0;
  const raw = blob[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headSize = 0;
  let rawDone = false;
  while (headSize < 4) {
    const next = await raw.next();
    if (next.done) {
      rawDone = true;
      break;
    }
    head.push(next.value);
    headSize += next.value.length;
  }
  const compression = sniffCompression(Buffer.concat(head));
  const decoder = await decompressor(compression, chunkSize);
  let decoderFailure: Error | undefined;
  decoder.on('error', (error: Error) => { decoderFailure ??= error; });
  const { maxStoredBytes, expansion } = limits;
  /** the stored bytes passed maxStoredBytes, or the tar stream the expansion budget: said before what stopping caused */
  let overflow: Error | undefined;

  const pump = (async () => {
    /** false once the stored bytes pass maxStoredBytes: nothing more is read */
    const write = async (chunk: Buffer): Promise<boolean> => {
      if (maxStoredBytes !== undefined && blobSize + chunk.length > maxStoredBytes) {
        overflow = new Error(`the source sent more than the ${maxStoredBytes} bytes the descriptor gives; not read further`);
        blobHash.update(chunk.subarray(0, maxStoredBytes - blobSize + 1));
        blobSize = maxStoredBytes + 1;
        if (!decoder.destroyed) decoder.destroy();
        return false;
      }
      blobHash.update(chunk);
      blobSize += chunk.length;
      if (decoderFailure || decoder.destroyed) return true;
      if (!decoder.write(chunk)) await drainOrClose(decoder);
      return true;
    };
    let going = true;
    for (const chunk of head) if (going) going = await write(chunk);
    if (!rawDone && going) {
      for (let next = await raw.next(); !next.done; next = await raw.next()) if (!await write(next.value)) break;
    }
    if (!going || overflow) await raw.return?.();
    if (!decoder.destroyed && !decoderFailure) decoder.end();
  })();
  pump.catch(() => undefined);

  const tarHash = createHash('sha256');
  let expandedSize = 0;
  let tarError: Error | undefined;
  async function* tapped(): AsyncGenerator<Buffer> {
    for await (const chunk of decoder as AsyncIterable<Buffer>) {
      expandedSize += chunk.length;
      const exceeded = expansion && expansionExceeded(expansion, blobSize, expandedSize);
      if (exceeded) {
        overflow ??= new Error(exceeded);
        throw overflow;
      }
      tarHash.update(chunk);
      yield chunk;
    }
  }
  try {
    await consume(tapped());
  } catch (error) {
    tarError = error as Error;
    if (!decoder.destroyed) decoder.destroy();
  }
  // a source that fails (a broken connection) is an error of the read, not of the layer
  await pump;
  const failure = overflow ?? decoderFailure ?? tarError;
  return {
    blobDigest: `sha256:${blobHash.digest('hex')}`,
    blobSize,
    compression,
    expandedSize,
    ...(failure ? { error: failureText(failure, compression) } : { diffId: `sha256:${tarHash.digest('hex')}` }),
  };
}

export function failureText(error: Error, compression: Compression): string {
  const message = error.message;
  if (compression === 'gzip' && /incorrect header|invalid|unexpected end|Z_/i.test(message)) return `gzip data is corrupt (${message})`;
  return message;
}

async function drainOrClose(stream: Duplex): Promise<void> {
  const controller = new AbortController();
  try {
    await Promise.race([
      once(stream, 'drain', { signal: controller.signal }),
      once(stream, 'close', { signal: controller.signal }),
    ]);
  } catch {
    // an error event rejects once(): the failure is already recorded
  } finally {
    controller.abort();
  }
}
