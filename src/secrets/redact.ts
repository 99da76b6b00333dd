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
 * The secrets of one text, sorted by offset once: the few that meet a line are found by binary
 * search, so redacting the lines of n findings costs O(n log n), not O(n²).
 */
export class Redactions {
  private readonly sorted: RedactionRange[];
  private readonly longest: number;

  constructor(ranges: Iterable<RedactionRange>) {
    this.sorted = [...ranges].sort((a, b) => a.start - b.start);
    this.longest = this.sorted.reduce((longest, range) => Math.max(longest, range.end - range.start), 0);
  }

  /** The slice [from, to) of `text` with every secret that meets it redacted. */
  slice(text: string, from: number, to: number): string {
    // a range meeting [from, to) starts at most `longest` before `from`
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.sorted[mid]!.start < from - this.longest) low = mid + 1;
      else high = mid;
    }
    const relevant: RedactionRange[] = [];
    for (let index = low; index < this.sorted.length && this.sorted[index]!.start < to; index += 1) {
      if (this.sorted[index]!.end > from) relevant.push(this.sorted[index]!);
    }
    return redactSlice(text, from, to, relevant);
  }

  /**
   * The line [from, to) redacted and cut at `max` characters (with `…`), redacting no more of the
   * line than that needs: a minified file is one line, and redacting all of it for each finding
   * made 100 findings of a 5 MB line cost 100 copies of it (a 5 MB JSON file ran out of a 1 GB heap).
   * A redacted slice of a prefix is a prefix of the redacted line, so the result is the same.
   */
  snippet(text: string, from: number, to: number, max: number): string {
    for (let window = max + 1; ; window *= 2) {
      // a cut inside a run of token characters would end the run there (see redactSlice): cut after it
      const end = tokenRunEnd(text, Math.min(to, from + window), to);
      const redactedText = this.slice(text, from, end);
      if (redactedText.length > max) return `${redactedText.slice(0, max)}…`;
      if (end === to) return redactedText;
    }
  }
}

/**
 * Characters a token is written in (base64, base64url, hex, JWT dots, `~`). A match may end before
 * its token does (a detector's length cap, a token pasted twice without a break): what follows it
 * in the same run is redacted with it, never shown.
 */
const TOKEN_RUN = /[A-Za-z0-9+/=_.~-]*/y;

/** Where the run of token characters at `from` ends, at most `to`. */
function tokenRunEnd(text: string, from: number, to = text.length): number {
  TOKEN_RUN.lastIndex = from;
  TOKEN_RUN.exec(text);
  return Math.min(TOKEN_RUN.lastIndex, to);
}

/** Replaces each of `relevant` (sorted by start, each meeting [from, to)) with its redacted form in the slice [from, to). */
function redactSlice(text: string, from: number, to: number, relevant: readonly RedactionRange[]): string {
  let out = '';
  let cursor = from;
  for (const range of relevant) {
    const start = Math.max(range.start, cursor);
    if (start > cursor) out += text.slice(cursor, start);
    if (range.end > cursor) {
      out += range.start >= from ? redacted(range.secret) : '[redacted]';
      cursor = tokenRunEnd(text, Math.min(range.end, to), to);
    }
  }
  if (cursor < to) out += text.slice(cursor, to);
  return out;
}
