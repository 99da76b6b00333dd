import { ChunkReader, type RingRelease } from './chunk-reader.js';
import { FileBody } from './file-body.js';
import { BLOCK, MAX_META_BYTES, TarFormatError, entryType, isZeroBlock, paddedSize, parseHeader, parsePax, type EntryType } from './tar-header.js';

export interface TarEntry {
  /** the name as the archive wrote it (pax and GNU long names applied) */
  readonly name: string;
  readonly type: EntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly linkname: string;
}

/**
 * How much of an entry's body to keep: 0 skips it, a positive number keeps that many bytes at
 * most (the rest is skipped and the content marked truncated).
 */
export type ContentWanted = (entry: TarEntry) => number;

export type EntryVisitor = (entry: TarEntry, content: Buffer | undefined, truncated: boolean) => void | Promise<void>;

/** as EntryVisitor, with a kept body as the slices of the stream it came in (joined only on demand) */
export type EntryBodyVisitor = (entry: TarEntry, body: FileBody | undefined, truncated: boolean) => void | Promise<void>;

/**
 * Reads a tar stream entry by entry. Bodies nobody wants are skipped without buffering; a body that
 * is wanted is buffered up to the limit `wanted` gives. Truncated or malformed archives throw a
 * `TarFormatError` saying where.
 */
export async function readTar(source: AsyncIterator<Buffer>, wanted: ContentWanted, visit: EntryVisitor): Promise<ChunkReader> {
  return readTarBodies(source, wanted, (entry, body, truncated) => visit(entry, body?.bytes, truncated));
}

/** `readTar`, handing each kept body over as the slices it arrived in */
export async function readTarBodies(source: AsyncIterator<Buffer>, wanted: ContentWanted, visit: EntryBodyVisitor, ring?: RingRelease): Promise<ChunkReader> {
  const reader = new ChunkReader(source, ring);
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  let globalPax = new Map<string, string>();
  for (;;) {
    reader.release(); // the last member's visit is over: what it was handed may be reused
    const offset = reader.position;
    const block = await reader.read(BLOCK);
    if (block.length === 0) return reader; // no end-of-archive blocks: tolerated, as GNU tar does
    if (block.length < BLOCK) throw new TarFormatError(`tar ends inside a header at byte ${offset}`);
    if (isZeroBlock(block)) return reader;
    const header = parseHeader(block, offset);
    const padded = paddedSize(header.size);
    if (header.typeflag === 'x' || header.typeflag === 'g' || header.typeflag === 'L' || header.typeflag === 'K') {
      if (header.size > MAX_META_BYTES) throw new TarFormatError(`tar header at byte ${offset}: a ${header.size}-byte ${header.typeflag === 'x' || header.typeflag === 'g' ? 'pax' : 'long name'} record`);
      const body = await reader.read(padded);
      if (body.length < padded) throw new TarFormatError(`tar ends inside a header record at byte ${offset}`);
      const content = body.subarray(0, header.size);
      if (header.typeflag === 'x') pax = parsePax(content);
      else if (header.typeflag === 'g') globalPax = new Map([...globalPax, ...parsePax(content)]);
      else {
        const end = content.indexOf(0);
        const name = content.subarray(0, end === -1 ? content.length : end).toString('utf8');
        if (header.typeflag === 'L') longName = name;
        else longLink = name;
      }
      continue;
    }
    const paxSize = pax.get('size') ?? globalPax.get('size');
    const size = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : header.size;
    if (!Number.isSafeInteger(size)) throw new TarFormatError(`tar header at byte ${offset}: size ${paxSize ?? ''} is too large`);
    const type = entryType(header.typeflag);
    const entry: TarEntry = {
      name: pax.get('path') ?? longName ?? header.name,
      type,
      mode: header.mode,
      uid: header.uid,
      gid: header.gid,
      // hard links, symlinks and directories carry no body even when a header says otherwise
      size: type === 'file' || type === 'other' ? size : 0,
      linkname: pax.get('linkpath') ?? longLink ?? header.linkname,
    };
    if (pax.size > 0) pax = new Map();
    longName = undefined;
    longLink = undefined;
    const bodySize = entry.type === 'file' || entry.type === 'other' ? size : 0;
    const limit = entry.type === 'file' ? wanted(entry) : 0;
    let content: FileBody | undefined;
    let kept = 0;
    if (limit > 0) {
      kept = Math.min(limit, bodySize);
      // a body cut short keeps no view of a ring while the rest of it streams by
      const parts = await reader.readParts(kept, kept < bodySize);
      let read = 0;
      for (const part of parts) read += part.length;
      if (read < kept) throw new TarFormatError(`tar ends inside ${shortName(entry.name)} (byte ${offset})`);
      content = new FileBody(parts, kept, reader.borrowed && kept === bodySize);
    }
    const rest = paddedSize(bodySize) - kept;
    const skipped = await reader.skip(rest);
    if (skipped < rest) throw new TarFormatError(`tar ends inside ${shortName(entry.name)} (byte ${offset})`);
    await visit(entry, content, content !== undefined && kept < bodySize);
  }
}

function shortName(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
}
