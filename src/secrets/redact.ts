import { createHash } from 'node:crypto';

const PREVIEW_MAX = 8;

/** What identifies a secret without revealing it: its SHA-256, shortened. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/** A short prefix: enough to tell which token it is, never enough to use it. */
export function secretPreview(secret: string): string {
  const length = Math.min(PREVIEW_MAX, Math.floor(secret.length / 4));
  return secret.slice(0, Math.max(length, 0)).replace(/\s+/g, ' ');
}

export function redacted(secret: string): string {
  return `${secretPreview(secret)}…[redacted]`;
}

export interface RedactionRange {
  readonly start: number;
  readonly end: number;
  readonly secret: string;
}

/**
 * Replaces every given range of `text` that intersects [from, to) with its redacted form,
 * and returns the redacted slice [from, to). Ranges are offsets into the same text.
 */
export function redactSlice(text: string, from: number, to: number, ranges: readonly RedactionRange[]): string {
  const relevant = ranges.filter((range) => range.start < to && range.end > from).sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = from;
  for (const range of relevant) {
    const start = Math.max(range.start, cursor);
    if (start > cursor) out += text.slice(cursor, start);
    if (range.end > cursor) {
      out += range.start >= from ? redacted(range.secret) : '[redacted]';
      cursor = Math.min(range.end, to);
    }
  }
  if (cursor < to) out += text.slice(cursor, to);
  return out;
}
