import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ImageReference } from '../../model/image-ref.js';
import type { HttpRegistryClient } from '../../resolve/registry-client.js';
import type { BlobPrefetcher } from '../blob-source.js';
import type { BlobFile } from '../layer-inflate.js';

/** blobs spooled and not yet read may take this much disk at once; a blob past it is streamed as before */
const DEFAULT_SPOOL_BYTES = 2 * 1024 * 1024 * 1024;
/** downloads at a time: the layer wanted next arrives first, and the connection stays busy */
const DOWNLOADS = 2;

interface Spooled {
  readonly done: Promise<BlobFile | undefined>;
  readonly bytes: number;
}

/**
 * Layer blobs downloaded ahead into a private temporary directory while earlier images are analysed
 * (`scan --analyze-images`): the download runs beside the analysis instead of being paced by it
 * (a streamed layer downloads only as fast as it is analysed). A download that fails is forgotten: the layer is then streamed from
 * the registry as without a spool, and that read reports the error. Files are removed once read,
 * and the directory when the run ends.
 */
export class BlobSpool implements BlobPrefetcher {
  private directory: Promise<string> | undefined;
  private readonly blobs = new Map<string, Spooled>();
  private used = 0;
  private running = 0;
  private readonly queue: Array<() => void> = [];
  /** wall time with at least one download running, and bytes downloaded (for the benchmark's split) */
  private active = 0;
  private activeSince = 0;
  downloadMs = 0;
  downloadedBytes = 0;
  /** time readers waited for a spooled blob still downloading */
  waitedMs = 0;

  constructor(private readonly maxBytes = DEFAULT_SPOOL_BYTES) {}

  prefetch(client: HttpRegistryClient, reference: ImageReference, digest: string, size: number | undefined): void {
    if (this.blobs.has(digest) || !/^sha256:[a-f0-9]{64}$/.test(digest)) return;
    const bytes = size ?? 0;
    if (size === undefined || this.used + bytes > this.maxBytes) return;
    this.used += bytes;
    const done = this.download(client, reference, digest, size);
    this.blobs.set(digest, { done, bytes });
  }

  /** whether blobs of images opened now would be spooled (the budget is not spent) */
  hasRoom(): boolean {
    return this.used < this.maxBytes;
  }

  /** the spooled file of `digest` once downloaded; undefined when it was not spooled or the download failed */
  async file(digest: string): Promise<BlobFile | undefined> {
    const spooled = this.blobs.get(digest);
    if (!spooled) return undefined;
    const started = performance.now();
    const file = await spooled.done;
    this.waitedMs += performance.now() - started;
    return file;
  }

  /** the blob has been read: its file goes */
  release(digest: string): void {
    const spooled = this.blobs.get(digest);
    if (!spooled) return;
    this.blobs.delete(digest);
    void spooled.done.then((file) => {
      this.used -= spooled.bytes;
      if (file) return rm(file.file, { force: true });
      return undefined;
    }).catch(() => undefined);
  }

  async close(): Promise<void> {
    const directory = await this.directory?.catch(() => undefined);
    await Promise.all([...this.blobs.values()].map((spooled) => spooled.done.catch(() => undefined)));
    this.blobs.clear();
    if (directory) await rm(directory, { recursive: true, force: true });
  }

  /** a registry that sends more than the descriptor's `size` is cut off there: the read that follows streams and reports it */
  private async download(client: HttpRegistryClient, reference: ImageReference, digest: string, size: number): Promise<BlobFile | undefined> {
    this.directory ??= mkdtemp(path.join(tmpdir(), 'rampart-blobs-'));
    let file: string | undefined;
    if (this.running >= DOWNLOADS) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running += 1;
    this.downloadStarted();
    try {
      file = path.join(await this.directory, digest.slice('sha256:'.length));
      const target = file;
      let length = 0;
      await client.streamBlob(reference, digest, async (body) => {
        const out = createWriteStream(target);
        try {
          for await (const chunk of body) {
            length += chunk.length;
            if (length > size) throw new Error(`more than the ${size} bytes of ${digest}`);
            if (!out.write(chunk)) await once(out, 'drain');
          }
          out.end();
          await once(out, 'finish');
        } finally {
          out.destroy();
        }
      });
      this.downloadedBytes += length;
      return { file: target, start: 0, length };
    } catch {
      if (file) await rm(file, { force: true }).catch(() => undefined);
      return undefined;
    } finally {
      this.downloadEnded();
      this.running -= 1;
      this.queue.shift()?.();
    }
  }

  private downloadStarted(): void {
    if (this.active++ === 0) this.activeSince = performance.now();
  }

  private downloadEnded(): void {
    if (--this.active === 0) this.downloadMs += performance.now() - this.activeSince;
  }
}
