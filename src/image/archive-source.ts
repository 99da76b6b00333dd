import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ImageInputError, blobPathOf, fileIdentity, type BlobSource } from './blob-source.js';
import type { BlobFile } from './layer-inflate.js';
import { BLOCK, MAX_META_BYTES, TarFormatError, isZeroBlock, paddedSize, parseHeader, parsePax } from './tar-header.js';

interface Member {
  readonly offset: number;
  readonly size: number;
}

/** at most this many members: a real `docker save` holds a few per layer */
const MAX_MEMBERS = 100_000;

/**
 * A `docker save` / `skopeo copy docker-archive:` tarball, read in place: the members are indexed
 * by header (no body is read), then each blob is streamed from its offset.
 */
export class ArchiveSource implements BlobSource {
  readonly kind = 'archive';

  private constructor(private readonly file: string, private readonly members: Map<string, Member>) {}

  static async open(file: string): Promise<ArchiveSource> {
    const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      throw new ImageInputError(`cannot read ${file} (${error.code ?? error.message})`);
    });
    try {
      return new ArchiveSource(file, await indexMembers(handle, file));
    } finally {
      await handle.close();
    }
  }

  has(name: string): boolean {
    return this.members.has(normalize(name));
  }

  async withBlob<T>(location: string, consume: (stream: Readable) => Promise<T>): Promise<T> {
    const name = /^sha(256|512):/.test(location) ? blobPathOf(location) : normalize(location);
    const member = this.members.get(name);
    if (!member) throw new ImageInputError(`${this.file} has no ${name}`);
    const stream = member.size === 0
      ? createReadStream(this.file, { start: 1, end: 0 })
      : createReadStream(this.file, { start: member.offset, end: member.offset + member.size - 1, highWaterMark: 256 * 1024 });
    try {
      return await consume(stream);
    } finally {
      stream.destroy();
    }
  }

  async fileRange(location: string): Promise<BlobFile | undefined> {
    const member = this.members.get(/^sha(256|512):/.test(location) ? blobPathOf(location) : normalize(location));
    return member ? { file: this.file, start: member.offset, length: member.size } : undefined;
  }

  async identity(location: string): Promise<string | undefined> {
    const name = /^sha(256|512):/.test(location) ? blobPathOf(location) : normalize(location);
    const member = this.members.get(name);
    if (!member) return undefined;
    const file = path.resolve(this.file);
    return `${fileIdentity(file, await stat(file))}:${member.offset}:${member.size}`;
  }

  async close(): Promise<void> {}
}

function normalize(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

async function indexMembers(handle: FileHandle, file: string): Promise<Map<string, Member>> {
  const { size: fileSize } = await handle.stat();
  const members = new Map<string, Member>();
  const block = Buffer.alloc(BLOCK);
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  try {
    while (offset + BLOCK <= fileSize) {
      await handle.read(block, 0, BLOCK, offset);
      if (isZeroBlock(block)) break;
      const header = parseHeader(block, offset);
      const bodyOffset = offset + BLOCK;
      if (bodyOffset + header.size > fileSize) throw new TarFormatError(`the archive ends inside ${JSON.stringify(header.name.slice(0, 200))}`);
      if ('xLg'.includes(header.typeflag) && header.typeflag !== '') {
        if (header.size > MAX_META_BYTES) throw new TarFormatError(`a ${header.size}-byte header record at byte ${offset}`);
        const body = Buffer.alloc(header.size);
        await handle.read(body, 0, header.size, bodyOffset);
        if (header.typeflag === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
        else if (header.typeflag === 'x') paxPath = parsePax(body).get('path');
      } else if (header.typeflag !== 'K') {
        const name = normalize(paxPath ?? longName ?? header.name);
        if ('07\0'.includes(header.typeflag)) members.set(name, { offset: bodyOffset, size: header.size });
        longName = undefined;
        paxPath = undefined;
        if (members.size > MAX_MEMBERS) throw new TarFormatError(`more than ${MAX_MEMBERS} members`);
      }
      offset = bodyOffset + paddedSize(header.size);
    }
  } catch (error) {
    if (error instanceof TarFormatError) throw new ImageInputError(`${file}: ${error.message}`);
    throw error;
  }
  return members;
}
