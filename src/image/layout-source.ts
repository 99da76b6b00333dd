import { createReadStream } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ImageInputError, blobPathOf, fileIdentity, tooLargeBlob, type BlobSource } from './blob-source.js';
import type { BlobFile } from './layer-inflate.js';

/** An OCI image layout directory: `oci-layout`, `index.json`, `blobs/<alg>/<hex>`. */
export class LayoutSource implements BlobSource {
  readonly kind = 'layout';

  constructor(private readonly directory: string) {}

  async withBlob<T>(location: string, consume: (stream: Readable) => Promise<T>): Promise<T> {
    const { file } = await this.blobFile(location);
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    try {
      return await consume(stream);
    } finally {
      stream.destroy();
    }
  }

  // one read, no stream: opening the index, manifest and config is most of what a run the result cache answers reads
  async readSmall(location: string, limit: number, what: string): Promise<Buffer> {
    const { file, size } = await this.blobFile(location);
    if (size > limit) throw tooLargeBlob(what, limit);
    const handle = await open(file, 'r');
    try {
      // one byte more than stat said: a file that grew since is not read on
      const buffer = Buffer.allocUnsafe(size + 1);
      let length = 0;
      for (let read = -1; read !== 0 && length < buffer.length; length += read) ({ bytesRead: read } = await handle.read(buffer, length, buffer.length - length, length));
      if (length > size) throw new ImageInputError(`${what} changed while it was read`);
      return buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
  }

  /** the file of a blob (or of index.json), a regular file inside the layout */
  private async blobFile(location: string): Promise<{ readonly file: string; readonly size: number }> {
    const file = location === 'index.json' ? path.join(this.directory, 'index.json') : path.join(this.directory, blobPathOf(location));
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new ImageInputError(`${this.directory} has no ${location === 'index.json' ? 'index.json' : `blob ${location}`}`);
    await this.refuseOutside(file);
    return { file, size: info.size };
  }

  async fileRange(location: string): Promise<BlobFile | undefined> {
    const file = path.join(this.directory, blobPathOf(location));
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    await this.refuseOutside(file);
    return { file, start: 0, length: info.size };
  }

  /** a blob that is a link to a file outside the layout (`blobs/sha256/… -> ~/.ssh/id_rsa`) is never read */
  private async refuseOutside(file: string): Promise<void> {
    const [root, real] = await Promise.all([realpath(this.directory), realpath(file)]);
    if (real !== root && !real.startsWith(`${root}${path.sep}`)) {
      throw new ImageInputError(`${path.relative(this.directory, file)} in ${this.directory} links outside the layout (to ${real}); not read`);
    }
  }

  async identity(location: string): Promise<string | undefined> {
    const file = path.resolve(this.directory, blobPathOf(location));
    return fileIdentity(file, await stat(file));
  }

  async close(): Promise<void> {}
}
