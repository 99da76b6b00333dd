import type { BlobFile } from './layer-inflate.js';
import type { Stats } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ImageReference } from '../model/image-ref.js';
import type { HttpRegistryClient } from '../resolve/registry-client.js';

/** Where an image's blobs come from: an OCI layout, a `docker save` archive or a registry. */
export interface BlobSource {
  /** `layout`, `archive` or `registry`, for messages */
  readonly kind: 'layout' | 'archive' | 'registry';
  /** hands the blob at `location` (a digest, or a file name in a legacy archive) to `consume` as a stream */
  withBlob<T>(location: string, consume: (stream: Readable) => Promise<T>): Promise<T>;
  /** a small blob (index, manifest, config) whole, refused past `limit` bytes, without a stream (a layout's files) */
  readSmall?(location: string, limit: number, what: string): Promise<Buffer>;
  /** where the blob's bytes sit in a file, when they do (a worker thread can then read them itself) */
  fileRange?(location: string): Promise<BlobFile | undefined>;
  /** what tells these bytes apart from any others without reading them, for the layer cache */
  identity?(location: string): Promise<string | undefined>;
  /** the blob will be read soon: fetch it ahead (a registry source with a spool) */
  prefetch?(location: string, size: number | undefined): void;
  /** the blob has been read: what was fetched ahead for it can go */
  release?(location: string): void;
  close(): Promise<void>;
}

/** Downloads registry blobs ahead of their reading into files (`scan --analyze-images`). */
export interface BlobPrefetcher {
  prefetch(client: HttpRegistryClient, reference: ImageReference, digest: string, size: number | undefined): void;
  /** the downloaded file; undefined when the blob was not fetched ahead or the download failed */
  file(digest: string): Promise<BlobFile | undefined>;
  release(digest: string): void;
}

export class ImageInputError extends Error {}

/** sha256 and sha512 digests only: a digest names a file under blobs/, so nothing else may pass */
export function blobPathOf(digest: string): string {
  const match = /^(sha256):([a-f0-9]{64})$|^(sha512):([a-f0-9]{128})$/.exec(digest);
  if (!match) throw new ImageInputError(`"${digest.slice(0, 80)}" is not a sha256 or sha512 digest`);
  return `blobs/${match[1] ?? match[3]}/${match[2] ?? match[4]}`;
}

/** Reads a small blob whole (a manifest, a config), refusing more than `limit` bytes. */
export async function readSmallBlob(source: BlobSource, location: string, limit: number, what: string): Promise<Buffer> {
  if (source.readSmall) return source.readSmall(location, limit, what);
  return source.withBlob(location, async (stream) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        stream.destroy();
        throw tooLargeBlob(what, limit);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  });
}

export function tooLargeBlob(what: string, limit: number): ImageInputError {
  return new ImageInputError(`${what} is larger than ${Math.round(limit / 1024 / 1024)} MiB; refused`);
}

/** A file as it is now: any write to it changes its size, modification or change time. */
export function fileIdentity(file: string, info: Stats): string {
  return [file, info.dev, info.ino, info.size, info.mtimeMs, info.ctimeMs].join(':');
}
