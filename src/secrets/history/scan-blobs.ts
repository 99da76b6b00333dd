import { BlobStream, readBlobs } from '../../sources/git/blob-stream.js';
import type { CommitHeader } from '../../sources/git/commit-header.js';
import { streamRawLog } from '../../sources/git/raw-log.js';
import { historyText } from '../../sources/read.js';
import { FirstHits } from './first-hits.js';
import type { HistoryScanResult, MissingBlob } from './history-hit.js';
import { RampartError } from '../../errors.js';
import { draftHits, type HitDraft } from './draft-hits.js';
import { secretMatches } from './version-secrets.js';

export interface BlobScanRequest {
  readonly cwd: string;
  /** `git log --raw` arguments (`historyRawArguments`) */
  readonly args: readonly string[];
  /** commits for `git log --stdin`, one per line, parents first */
  readonly input: string;
  /** order of the first commit of this request */
  readonly firstOrder: number;
  readonly maxFileSize: number;
  /** findings of one rule listed per file version */
  readonly maxFindingsPerFile?: number;
  /**
   * Set when only part of history is scanned (`--since`, `--range`): a secret already in the
   * file's previous blob was not introduced by the commit, so it is looked for there first.
   */
  readonly checkParents: boolean;
  /** the commit the blobs belong to when git prints none (`git diff --cached`) */
  readonly pseudoCommit?: CommitHeader;
  /**
   * `args` let git walk history itself, newest first: its output starts at once, where a
   * topological walk reads every commit before it prints one. Parents come after their children
   * (git's date-ordered walk; clock skew aside), so the walk reversed tells which commit came first.
   */
  readonly newestFirst?: boolean;
  /** added to the environment of `git log` (the index a commit in progress is made from) */
  readonly env?: Readonly<Record<string, string>>;
  /** blobs known to be absent (a partial clone's): git would stop at the first one asked for */
  readonly absent?: ReadonlySet<string>;
}

/** blobs answered are dropped from the queue in batches of this many */
const QUEUE_TRIM = 4096;

/** A commit that wrote a (blob, path), numbered in the order git listed it, with the blob it replaced. */
interface Occurrence {
  readonly commit: CommitHeader;
  readonly listed: number;
  readonly oldBlob: string | undefined;
}

interface Pending {
  readonly key: string;
  readonly path: string;
  readonly first: Occurrence;
}

/**
 * Reads each (blob, path) that the commits wrote once, whole, from `git cat-file` while `git log
 * --raw` lists them, and attributes each (rule, secret) to the oldest commit that wrote a blob
 * holding it. In full history every older version was scanned too, so that commit introduced it.
 */
export async function scanBlobs(request: BlobScanRequest): Promise<HistoryScanResult> {
  const seen = new Set<string>();
  /** later commits that wrote a (blob, path) already queued: a revert, or the same change on two branches */
  const repeats = new Map<string, Occurrence[]>();
  const found: Array<{ readonly pending: Pending; readonly drafts: readonly HitDraft[] }> = [];
  const queue: Pending[] = [];
  let head = 0;
  let commit: CommitHeader | undefined = request.pseudoCommit;
  let listed = request.firstOrder - (request.pseudoCommit ? 0 : 1);
  let commits = 0;
  let binary = 0;
  let oversize = 0;
  const missing: MissingBlob[] = [];
  let omitted = 0;
  const answered = (): Pending => {
    const pending = queue[head]!;
    head += 1;
    if (head >= QUEUE_TRIM) {
      queue.splice(0, head);
      head = 0;
    }
    return pending;
  };
  const blobs = new BlobStream(request.cwd, request.maxFileSize, (_id, _size, body) => {
    const pending = answered();
    if (body === undefined) {
      oversize += 1;
      return;
    }
    const utf8 = historyText(body);
    if (utf8 === undefined) {
      binary += 1;
      return;
    }
    const text = utf8.toString('utf8');
    const matches = secretMatches(text, pending.path);
    if (matches.length === 0) return;
    const drafted = draftHits(text, pending.path, matches, request.maxFindingsPerFile);
    omitted += drafted.omitted;
    found.push({ pending, drafts: drafted.drafts });
  }, (id) => {
    const pending = answered();
    missing.push({ blob: id, path: pending.path, commit: pending.first.commit.sha });
  });
  const logged = streamRawLog(request.cwd, request.args, request.input, {
    commit: (header) => {
      commit = header;
      listed += 1;
      commits += 1;
    },
    blob: (change) => {
      if (!commit) return;
      const key = `${change.newBlob}\0${change.path}`;
      const occurrence = { commit, listed, oldBlob: change.oldBlob };
      if (seen.has(key)) {
        const known = repeats.get(key);
        if (known) known.push(occurrence);
        else repeats.set(key, [occurrence]);
        return;
      }
      seen.add(key);
      if (request.absent?.has(change.newBlob)) {
        missing.push({ blob: change.newBlob, path: change.path, commit: commit.sha });
        return;
      }
      queue.push({ key, path: change.path, first: occurrence });
      blobs.request(change.newBlob);
    },
  }, request.env).then(() => undefined, (error: unknown) => {
    // a missing commit or tree stops git's walk: what it listed before is still scanned, and the stop reported
    if (error instanceof RampartError && error.code === 'git-failed') return error.message;
    throw error;
  }).finally(() => blobs.end());
  const [stopped] = await Promise.all([logged, blobs.done]);
  const order: CommitNumbering = request.newestFirst ? (occurrence) => commits - 1 - occurrence.listed : (occurrence) => occurrence.listed;
  const introduced = found.map(({ pending, drafts }) => ({ drafts, by: oldest([pending.first, ...(repeats.get(pending.key) ?? [])], order) }));
  const previous = request.checkParents
    ? await readBlobs(request.cwd, request.maxFileSize, introduced.flatMap(({ by }) => (by.oldBlob && !request.absent?.has(by.oldBlob) ? [by.oldBlob] : [])))
    : new Map<string, Buffer>();
  const hits = new FirstHits();
  for (const { drafts, by } of introduced) {
    const before = by.oldBlob === undefined ? undefined : previous.get(by.oldBlob)?.toString('utf8');
    for (const { matched, ...draft } of drafts) {
      // with part of history only, a secret the previous version held was introduced earlier
      if (!before?.includes(matched)) hits.add({ ...draft, order: order(by), commit: by.commit.sha, author: by.commit.author, date: by.commit.date });
    }
  }
  return { hits: hits.values(), commits, binary, oversize, missing, omitted, ...(stopped === undefined ? {} : { stopped }) };
}

type CommitNumbering = (occurrence: Occurrence) => number;

function oldest(occurrences: readonly Occurrence[], order: CommitNumbering): Occurrence {
  return occurrences.reduce((best, occurrence) => (order(occurrence) < order(best) ? occurrence : best));
}
