import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { formatBytes } from './safe-read.js';
import type { WalkEntry } from './walk.js';

export type ReadOutcome =
  | { readonly kind: 'text'; readonly text: string; readonly invalidUtf8: boolean }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/** git's own test: a NUL byte in the first 8,000 bytes makes content binary. */
const BINARY_SNIFF_BYTES = 8000;

export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
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
    descriptor = openSync(entry.absolutePath, 'r');
    const size = fstatSync(descriptor).size;
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
  if (looksBinary(bytes)) return { kind: 'skipped', reason: 'binary file; skipped' };
  try {
    return { kind: 'text', text: strictUtf8.decode(bytes), invalidUtf8: false };
  } catch {
    return { kind: 'text', text: lenientUtf8.decode(bytes), invalidUtf8: true };
  }
}
