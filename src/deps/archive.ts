import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TarFormatError } from '../image/tar-header.js';
import { readTar } from '../image/tar-reader.js';

/** A dependency archive Rampart refuses to unpack: the message names the archive and the entry. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

export interface ArchiveLimits {
  /** largest single file */
  readonly fileBytes: number;
  /** all files together, after decompression */
  readonly totalBytes: number;
  readonly files: number;
}

/** Charts are kilobytes; git trees of GitOps bases a few megabytes. These leave room and stop bombs. */
export const DEFAULT_LIMITS: ArchiveLimits = { fileBytes: 32 * 1024 * 1024, totalBytes: 256 * 1024 * 1024, files: 20_000 };

/**
 * Unpacks a tar (gzip-compressed or not) into `directory`, which must be new and empty. Nothing
 * is written outside it: absolute names and `..` segments are refused, links are never created
 * (a link that points out of the archive is refused, one inside is left out), device files are
 * skipped, and sizes and counts are checked against `limits` from the headers before any byte
 * of a body is read, and against the decompressed stream as it flows.
 */
export async function extractArchive(bytes: Buffer, directory: string, what: string, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let total = 0;
  const written = new Set<string>();
  const compressed = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  const stream = compressed ? Readable.from([bytes]).pipe(createGunzip()) : Readable.from([bytes]);
  const budget = limits.totalBytes + 64 * 1024 * 1024; // headers and padding on top of file bodies
  let streamed = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      streamed += chunk.length;
      if (streamed > budget) throw new ArchiveError(`${what}: decompresses to more than ${megabytes(budget)} (a compression bomb?)`);
      yield chunk;
    }
  }
  try {
    await readTar(counted(), (entry) => {
      if (entry.size > limits.fileBytes) throw new ArchiveError(`${what}: ${quote(entry.name)} declares ${megabytes(entry.size)}, over the ${megabytes(limits.fileBytes)} limit for one file`);
      total += entry.size;
      if (total > limits.totalBytes) throw new ArchiveError(`${what}: its files add up to more than ${megabytes(limits.totalBytes)}`);
      return entry.size;
    }, async (entry, content) => {
      const relative = safeRelative(entry.name, what);
      if (entry.type === 'symlink' || entry.type === 'hardlink') {
        const base = entry.type === 'symlink' ? path.posix.dirname(relative ?? '.') : '.';
        if (entry.linkname.startsWith('/') || path.posix.normalize(path.posix.join(base, entry.linkname)).startsWith('..')) {
          throw new ArchiveError(`${what}: ${quote(entry.name)} is a link to ${quote(entry.linkname)}, outside the archive`);
        }
        return; // links inside the archive are not recreated: each file is read once, where it is stored
      }
      if (relative === undefined || entry.type === 'other') return;
      const target = path.join(directory, ...relative.split('/'));
      if (entry.type === 'directory') {
        await mkdir(target, { recursive: true });
        return;
      }
      if (entry.type !== 'file' || content === undefined && entry.size > 0) return;
      files += 1;
      if (files > limits.files) throw new ArchiveError(`${what}: more than ${limits.files} files`);
      if (written.has(relative)) throw new ArchiveError(`${what}: ${quote(entry.name)} appears twice`);
      written.add(relative);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content ?? Buffer.alloc(0), { flag: 'wx', mode: 0o644 });
    });
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    if (error instanceof TarFormatError) throw new ArchiveError(`${what}: not a valid tar archive: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new ArchiveError(`${what}: damaged gzip data`);
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new ArchiveError(`${what}: two entries claim the same path`);
    throw error;
  }
  return { files, bytes: total };
}

/** The entry's path inside the archive, or an error for one that would land outside it; undefined for the root itself. */
function safeRelative(name: string, what: string): string | undefined {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.includes('\\') || name.includes('\0')) {
    throw new ArchiveError(`${what}: entry ${quote(name)} has an absolute or unsafe path`);
  }
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) throw new ArchiveError(`${what}: entry ${quote(name)} climbs out of the archive with ".."`);
  return parts.length === 0 ? undefined : parts.join('/');
}

function quote(name: string): string {
  return JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 * 1024 ? `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GiB` : `${Math.ceil(bytes / 1024 / 1024)} MiB`;
}
