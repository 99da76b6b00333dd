import { createReadStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import type { ImageReference } from '../model/image-ref.js';
import type { HttpRegistryClient } from '../resolve/registry-client.js';
import type { BlobPrefetcher, BlobSource } from './blob-source.js';
import type { BlobFile } from './layer-inflate.js';

/**
 * Blobs of one repository, streamed from its registry through the shared OCI client; with a
 * prefetcher, a blob asked for ahead is read from the file it was downloaded into, by the layer
 * worker thread (`fileRange`), which inflates it synchronously into the shared ring.
 */
export class RegistrySource implements BlobSource {
  readonly kind = 'registry';

  constructor(readonly client: HttpRegistryClient, readonly reference: ImageReference, private readonly prefetcher?: BlobPrefetcher) {}

  prefetch(location: string, size: number | undefined): void {
    this.prefetcher?.prefetch(this.client, this.reference, location, size);
  }

  release(location: string): void {
    this.prefetcher?.release(location);
  }

  /** a blob downloaded ahead is in a file no longer than its descriptor's size (the spool cuts it off there) */
  async fileRange(location: string): Promise<BlobFile | undefined> {
    return this.prefetcher?.file(location);
  }

  async withBlob<T>(digest: string, consume: (stream: Readable) => Promise<T>): Promise<T> {
    const spooled = await this.prefetcher?.file(digest);
    if (spooled) {
      const stream = createReadStream(spooled.file, { highWaterMark: 256 * 1024 });
      try {
        return await consume(stream);
      } finally {
        stream.destroy();
      }
    }
    let result: { value: T } | undefined;
    await this.client.streamBlob(this.reference, digest, async (body) => {
      const stream = new PassThrough({ highWaterMark: 256 * 1024 });
      const feeding = (async () => {
        try {
          for await (const chunk of body) {
            // the reader may stop early (a blob longer than its descriptor): then nothing more is read
            if (stream.destroyed) break;
            if (!stream.write(chunk)) await drainOrClose(stream);
            if (stream.destroyed) break;
          }
          stream.end();
        } catch (error) {
          stream.destroy(error as Error);
        }
      })();
      try {
        result = { value: await consume(stream) };
      } finally {
        stream.destroy();
        await feeding;
      }
    });
    if (!result) throw new Error(`no answer for blob ${digest}`);
    return result.value;
  }

  /** registry blobs are content-addressed: what was read and checked once is that digest's content */
  async identity(location: string): Promise<string | undefined> {
    return /^sha256:[a-f0-9]{64}$/.test(location) ? `registry:${location}` : undefined;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** waits for the stream to take more or to close, leaving no listener behind (one wait per chunk adds up) */
function drainOrClose(stream: PassThrough): Promise<void> {
  return new Promise<void>((resolve) => {
    if (stream.destroyed) return resolve(); // closed already: 'close' will not come again
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
