import { BlobStream } from '../../sources/git/blob-stream.js';
import type { CommitHeader } from '../../sources/git/patch-parser.js';
import { streamRawLog } from '../../sources/git/raw-log.js';
import { findSecrets, type SecretMatch } from '../scan-text.js';
import { recordHits, type TextOrigin } from './record-hits.js';
import type { HistoryHit, PatchScanResult } from './scan-patches.js';

export interface BlobScanRequest {
  readonly cwd: string;
  /** `git log --raw` arguments (`historyRawArguments`) */
  readonly args: readonly string[];
  /** commits for `git log --stdin`, one per line, parents first */
  readonly input: string;
  /** order of the first commit of this request */
  readonly firstOrder: number;
  readonly maxFileSize: number;
  /**
   * Set when only part of history is scanned (`--since`, `--range`): a secret already in the
   * file's previous blob was not introduced by the commit, so it is looked for there first.
   */
  readonly checkParents: boolean;
}

/** git's own test: a NUL byte in the first 8,000 bytes makes a blob binary. */
const BINARY_PROBE = 8000;
/** blobs answered are dropped from the queue in batches of this many */
const QUEUE_TRIM = 4096;

interface Pending {
  readonly origin: TextOrigin;
  readonly oldBlob: string | undefined;
}

interface Suspect extends Pending {
  readonly text: string;
  readonly matches: readonly SecretMatch[];
}

/**
 * Reads each (blob, path) that the commits wrote once, whole, from `git cat-file` while `git log
 * --raw` lists them; keeps the first occurrence of each (rule, secret) in commit order. In full
 * history every older blob was scanned before, so the first blob holding a secret is where it was
 * introduced.
 */
export async function scanBlobs(request: BlobScanRequest): Promise<PatchScanResult> {
  const hits = new Map<string, HistoryHit>();
  const seen = new Set<string>();
  const queue: Pending[] = [];
  const suspects: Suspect[] = [];
  let head = 0;
  let commit: CommitHeader | undefined;
  let order = request.firstOrder - 1;
  let commits = 0;
  let binary = 0;
  let oversize = 0;
  const blobs = new BlobStream(request.cwd, request.maxFileSize, (_id, _size, body) => {
    const pending = queue[head]!;
    head += 1;
    if (head >= QUEUE_TRIM) {
      queue.splice(0, head);
      head = 0;
    }
    if (body === undefined) {
      oversize += 1;
      return;
    }
    if (body.subarray(0, BINARY_PROBE).includes(0)) {
      binary += 1;
      return;
    }
    const text = body.toString('utf8');
    const matches = findSecrets(text, pending.origin.path);
    if (matches.length === 0) return;
    // with part of history only, matches wait until the previous blobs are read, to keep commit order
    if (request.checkParents) suspects.push({ ...pending, text, matches });
    else recordHits(hits, text, pending.origin, matches);
  });
  const listed = streamRawLog(request.cwd, request.args, request.input, {
    commit: (header) => {
      commit = header;
      order += 1;
      commits += 1;
    },
    blob: (change) => {
      const key = `${change.newBlob}\0${change.path}`;
      if (!commit || seen.has(key)) return;
      seen.add(key);
      queue.push({ origin: { commit, order, path: change.path, firstLine: 1 }, oldBlob: change.oldBlob });
      blobs.request(change.newBlob);
    },
  }).finally(() => blobs.end());
  await Promise.all([listed, blobs.done]);
  if (suspects.length > 0) await recordNewSecrets(request, hits, suspects);
  return { hits: [...hits.values()], commits, binary, oversize };
}

/** Records, in commit order, the matches that the file's previous blob did not already hold. */
async function recordNewSecrets(request: BlobScanRequest, hits: Map<string, HistoryHit>, suspects: readonly Suspect[]): Promise<void> {
  const previous = new Map<string, string>();
  const wanted = [...new Set(suspects.flatMap((suspect) => (suspect.oldBlob === undefined ? [] : [suspect.oldBlob])))];
  const reader = new BlobStream(request.cwd, request.maxFileSize, (id, _size, body) => {
    if (body !== undefined) previous.set(id, body.toString('utf8'));
  });
  for (const id of wanted) reader.request(id);
  reader.end();
  await reader.done;
  for (const suspect of suspects) {
    const before = suspect.oldBlob === undefined ? undefined : previous.get(suspect.oldBlob);
    recordHits(hits, suspect.text, suspect.origin, suspect.matches, (match) => before === undefined || !before.includes(match.secret));
  }
}
