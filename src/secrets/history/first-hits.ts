import { commitHeader } from '../../sources/git/fast-export.js';
import type { HistoryHit } from './history-hit.js';
import { draftHits } from './draft-hits.js';
import type { ChangedRange } from '../scan-text.js';
import { secretMatches } from './version-secrets.js';
import { declaresSecret } from '../kubernetes-secret.js';
import { changedAsciiLines, changedLines } from './changed-lines.js';

/** One file version to search, with the commit (numbered oldest first) that wrote it. */
export interface BlobJob {
  readonly path: string;
  readonly order: number;
  readonly sha: string;
  /** `Name <email> <epoch> <tz>`: made into a header only for the few commits that hold a secret */
  readonly author: string;
}

/**
 * A file version searched, as the next version at its path is compared with it: its bytes when it
 * is ASCII, else its text; and whether it declares a Secret.
 */
export type SearchedVersion = ({ readonly ascii: Buffer } | { readonly text: string }) & { readonly declaresSecret: boolean };

/** The first commit of each (rule, secret) among the file versions searched. */
export class FirstHits {
  private readonly hits = new Map<string, HistoryHit>();
  /** matches left out of file versions holding more than the cap of one rule */
  omitted = 0;

  constructor(private readonly cap?: number) {}

  /**
   * Searches one file version and keeps what it holds where no older commit holds it already.
   * Given the version searched before at the same path, only what changed since is searched (what
   * the earlier version holds was found then, in an older commit). Returns the version searched.
   */
  search(job: BlobJob, body: Buffer, previous?: SearchedVersion): SearchedVersion {
    const text = body.toString('utf8');
    // kept for the next version's comparison: a copy, as `body` may be a view of a much larger read
    const secret = declaresSecret(text);
    const version = text.length === body.length ? { ascii: Buffer.from(body), declaresSecret: secret } : { text, declaresSecret: secret };
    const changed = previous === undefined ? undefined : changedPart(previous, version, text);
    if (changed === null) return version;
    // A Secret manifest's values claim the generic matches on them (reported as its plaintext
    // values instead): an edit anywhere in it (a `stringData:` line removed, a `kind:` changed) can
    // free a match on lines that did not change. A version of a file that declares one, or whose
    // previous version did, is searched whole.
    const matches = secretMatches(text, job.path, secret || previous?.declaresSecret ? undefined : changed);
    if (matches.length === 0) return version;
    const commit = commitHeader(job.sha, job.author);
    const { drafts, omitted } = draftHits(text, job.path, matches, this.cap);
    this.omitted += omitted;
    for (const { matched: _matched, ...draft } of drafts) {
      this.add({ ...draft, order: job.order, commit: commit.sha, author: commit.author, date: commit.date });
    }
    return version;
  }

  add(hit: HistoryHit): void {
    const key = `${hit.ruleId}\0${hit.hash}`;
    const known = this.hits.get(key);
    if (!known || hit.order < known.order) this.hits.set(key, hit);
  }

  /** Oldest commit first. */
  values(): HistoryHit[] {
    return [...this.hits.values()].sort((a, b) => a.order - b.order);
  }
}

/**
 * Where a version differs from the one before it: from the first differing offset to the last,
 * then (when that is long) the lines that changed within (`changedLines`). Texts in ASCII (their offsets are those of their
 * bytes) are compared as bytes, a block at a time by memcmp; others as text.
 */
function changedPart(previous: SearchedVersion, version: SearchedVersion, text: string): ChangedRange[] | null {
  if ('ascii' in previous && 'ascii' in version) {
    const range = changedBytes(previous.ascii, version.ascii);
    return range === null ? null : changedAsciiLines(previous.ascii, version.ascii, range);
  }
  const before = 'ascii' in previous ? previous.ascii.toString('latin1') : previous.text;
  const range = changedRange(before, text);
  return range === null ? null : changedLines(before, text, range);
}

/** Where `body` differs from `previous`, in bytes: from the first differing offset to the last (null when equal). */
export function changedBytes(previous: Buffer, body: Buffer): ChangedRange | null {
  if (previous.equals(body)) return null;
  const shortest = Math.min(previous.length, body.length);
  let start = 0;
  while (start + COMPARED_BLOCK <= shortest && body.compare(previous, start, start + COMPARED_BLOCK, start, start + COMPARED_BLOCK) === 0) start += COMPARED_BLOCK;
  while (start < shortest && previous[start] === body[start]) start += 1;
  const room = shortest - start;
  let fromEnd = 0;
  while (fromEnd + COMPARED_BLOCK <= room && body.compare(previous, previous.length - fromEnd - COMPARED_BLOCK, previous.length - fromEnd, body.length - fromEnd - COMPARED_BLOCK, body.length - fromEnd) === 0) fromEnd += COMPARED_BLOCK;
  while (fromEnd < room && previous[previous.length - 1 - fromEnd] === body[body.length - 1 - fromEnd]) fromEnd += 1;
  return { start, end: body.length - fromEnd };
}

/** Where `text` differs from `previous`: from the first differing offset to the last (null when equal). */
export function changedRange(previous: string, text: string): ChangedRange | null {
  if (previous === text) return null;
  const shortest = Math.min(previous.length, text.length);
  // compared a block at a time by the engine, then character by character within the block that differs
  let start = 0;
  while (start + COMPARED_BLOCK <= shortest && text.startsWith(previous.slice(start, start + COMPARED_BLOCK), start)) start += COMPARED_BLOCK;
  while (start < shortest && previous.charCodeAt(start) === text.charCodeAt(start)) start += 1;
  const room = shortest - start;
  let fromEnd = 0;
  while (fromEnd + COMPARED_BLOCK <= room && text.endsWith(previous.slice(previous.length - fromEnd - COMPARED_BLOCK, previous.length - fromEnd), text.length - fromEnd)) fromEnd += COMPARED_BLOCK;
  while (fromEnd < room && previous.charCodeAt(previous.length - 1 - fromEnd) === text.charCodeAt(text.length - 1 - fromEnd)) fromEnd += 1;
  return { start, end: text.length - fromEnd };
}

const COMPARED_BLOCK = 1024;
