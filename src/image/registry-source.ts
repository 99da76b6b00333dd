import { PassThrough, type Readable } from 'node:stream';
import type { ImageReference } from '../model/image-ref.js';
import type { HttpRegistryClient } from '../resolve/registry-client.js';
import type { BlobSource } from './blob-source.js';

/** Blobs of one repository, streamed from its registry through the shared OCI client. */
export class RegistrySource implements BlobSource {
  readonly kind = 'registry';

  constructor(readonly client: HttpRegistryClient, readonly reference: ImageReference) {}

  async withBlob<T>(digest: string, consume: (stream: Readable) => Promise<T>): Promise<T> {
    let result: { value: T } | undefined;
    await this.client.streamBlob(this.reference, digest, async (body) => {
      const stream = new PassThrough({ highWaterMark: 256 * 1024 });
      const feeding = (async () => {
        try {
          for await (const chunk of body) {
            if (!stream.write(chunk)) await new Promise<void>((resolve) => { stream.once('drain', resolve); stream.once('close', resolve); });
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
