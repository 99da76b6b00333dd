import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';

/**
 * One reader for every file a scanned repository names or holds (`.rampart.yaml`, `.gitignore`s,
 * allowed-signers, keyrings, scanned files). The repository controls these bytes, so: no symbolic
 * link out of the tree, regular files only (a FIFO or device would hang or never end), a size cap
 * checked before and during the read, and problems that say what is wrong without echoing content.
 */
export interface SafeReadOptions {
  /** real path of the directory the file must stay within; absent for files the user named */
  readonly within?: string;
  readonly maxBytes: number;
  /** a file the user named may be a pipe or device (`--config /dev/stdin`): read it, blocking, up to the cap */
  readonly allowSpecial?: boolean;
}

export type SafeReadResult =
  | { readonly ok: true; readonly bytes: Buffer; readonly realPath: string | Buffer }
  | { readonly ok: false; readonly problem: string; readonly code?: string };

/** O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the resolved path has no link left to swap in. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

export function safeReadFile(file: string | Buffer, options: SafeReadOptions): SafeReadResult {
  if (options.allowSpecial && options.within === undefined) return readNamedByUser(file, options.maxBytes);
  let realPath: string | Buffer;
  try {
    realPath = typeof file === 'string' ? realpathSync.native(file) : realpathSync.native(file, { encoding: 'buffer' });
  } catch (error) {
    return failure(error, { ELOOP: 'symbolic link loop', ENOENT: 'no such file (or a symbolic link to nothing)' });
  }
  if (options.within !== undefined && !isWithin(realPath, options.within)) {
    return { ok: false, problem: 'symbolic link leads outside the scanned tree; not read' };
  }
  let descriptor: number | undefined;
  try {
    descriptor = openSync(realPath, OPEN_FLAGS);
    const info = fstatSync(descriptor);
    if (!info.isFile()) return { ok: false, problem: `${describeType(info)}, not a regular file; not read` };
    if (info.size > options.maxBytes) return tooLarge(info.size, options.maxBytes);
    const bytes = readUpTo(descriptor, info.size, options.maxBytes, true);
    if (bytes === undefined) return tooLarge(options.maxBytes + 1, options.maxBytes);
    return { ok: true, bytes, realPath };
  } catch (error) {
    return failure(error, { EISDIR: 'a directory, not a regular file' });
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** Reads `expected` bytes, and notices a file that grew past the cap while being read (undefined then). */
function readNamedByUser(file: string | Buffer, maxBytes: number): SafeReadResult {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, constants.O_RDONLY);
    const info = fstatSync(descriptor);
    if (info.isDirectory()) return { ok: false, problem: 'a directory, not a file', code: 'EISDIR' };
    if (info.isFile() && info.size > maxBytes) return tooLarge(info.size, maxBytes);
    const bytes = readUpTo(descriptor, info.isFile() ? info.size : 64 * 1024, maxBytes, info.isFile());
    if (bytes === undefined) return tooLarge(maxBytes + 1, maxBytes);
    return { ok: true, bytes, realPath: file };
  } catch (error) {
    return failure(error, {});
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

function readUpTo(descriptor: number, expected: number, maxBytes: number, positional: boolean): Buffer | undefined {
  let buffer = Buffer.allocUnsafe(Math.max(expected, 1));
  let offset = 0;
  for (;;) {
    if (offset === buffer.length) {
      if (buffer.length > maxBytes) return undefined;
      const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
      buffer.copy(grown, 0, 0, offset);
      buffer = grown;
    }
    const read = readSync(descriptor, buffer, offset, buffer.length - offset, positional ? offset : null);
    if (read === 0) break;
    offset += read;
  }
  if (offset > maxBytes) return undefined;
  return buffer.subarray(0, offset);
}

export function isWithin(real: string | Buffer, directory: string): boolean {
  const text = typeof real === 'string' ? real : real.toString('latin1');
  const base = typeof real === 'string' ? directory : Buffer.from(directory).toString('latin1');
  return text === base || text.startsWith(base.endsWith(path.sep) ? base : base + path.sep);
}

export function describeType(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a directory';
  return 'a special file';
}

function tooLarge(size: number, maxBytes: number): SafeReadResult {
  return { ok: false, problem: `larger than the ${formatBytes(maxBytes)} limit${size > maxBytes + 1 ? ` (${formatBytes(size)})` : ''}; not read` };
}

function failure(error: unknown, known: Record<string, string>): SafeReadResult {
  const code = error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  if (code === undefined) return { ok: false, problem: `cannot read: ${error instanceof Error ? error.message : String(error)}` };
  return { ok: false, problem: known[code] ?? `cannot read (${code})`, code };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
