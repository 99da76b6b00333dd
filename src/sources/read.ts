import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { describeType, formatBytes } from './safe-read.js';
import { textEncoding } from './text-encoding.js';
import type { WalkEntry } from './walk.js';

export type ReadOutcome =
  | { readonly kind: 'text'; readonly text: string; readonly invalidUtf8: boolean }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * A blob as the history scan reads it: UTF-8 bytes (UTF-16 with a byte order mark transcoded, so
 * its secrets are found as in the tree), or undefined for binary content (see textEncoding).
 */
export function historyText(bytes: Buffer): Buffer | undefined {
  const encoding = textEncoding(bytes);
  if (encoding === 'binary') return undefined;
  if (encoding === 'utf-8') return bytes;
  return Buffer.from(new TextDecoder(encoding).decode(bytes), 'utf8');
}
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export { formatBytes };

/**
 * Reads a file as text, passing over binary files and files above the size limit. Synchronous on
 * purpose: for thousands of small files it is several times faster than promise-based reads.
 */
export function readTextFile(entry: WalkEntry, maxBytes: number): ReadOutcome & { size: number } {
  let descriptor: number | undefined;
  try {
    // the path is already resolved: a link swapped in since, or a FIFO, is refused rather than followed or waited on
    descriptor = openSync(entry.absolutePath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    const info = fstatSync(descriptor);
    if (!info.isFile()) return { kind: 'failed', reason: `${describeType(info)}, not a regular file; not read`, size: 0 };
    const size = info.size;
    if (size > maxBytes) {
      return { kind: 'skipped', reason: `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit; skipped`, size };
    }
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(descriptor, bytes, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return { ...decodeText(bytes.subarray(0, offset)), size: offset };
  } catch (error) {
    const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : String(error);
    return { kind: 'failed', reason: `cannot read file: ${code}`, size: 0 };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

export function decodeText(bytes: Uint8Array): ReadOutcome {
  const encoding = textEncoding(bytes);
  if (encoding === 'binary') return { kind: 'skipped', reason: 'binary file; skipped' };
  // the BOM is dropped (it is not content); an odd last byte becomes U+FFFD
  if (encoding !== 'utf-8') return { kind: 'text', text: new TextDecoder(encoding).decode(bytes), invalidUtf8: false };
  try {
    return { kind: 'text', text: strictUtf8.decode(bytes), invalidUtf8: false };
  } catch {
    return { kind: 'text', text: lenientUtf8.decode(bytes), invalidUtf8: true };
  }
}
