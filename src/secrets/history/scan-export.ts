import { BlobStream, readBlobs } from '../../sources/git/blob-stream.js';
import { FastExportParser, fastExportArguments } from '../../sources/git/fast-export.js';
import { spoolDirectory } from '../../sources/git/spool.js';
import { streamGit } from '../../sources/git/stream-git.js';
import { historyText } from '../../sources/read.js';
import type { HistoryScanResult } from './history-hit.js';
import { DETECTORS } from '../catalogue.js';
import { FirstHits, type BlobJob, type SearchedVersion } from './first-hits.js';

/** paths whose files a path-specific detector reads (`.pypirc`): a blob met there must be read there */
const PATH_PATTERNS = DETECTORS.flatMap((detector) => (detector.paths ? [detector.paths] : []));
const pathSpecific = (path: string): boolean => PATH_PATTERNS.some((pattern) => pattern.test(path));

/**
 * Scans whole history from one `git fast-export --no-data` stream and the blobs it names, each
 * read once from `git cat-file` when first named, with the path of the first commit that writes it:
 * commits come parents first, so the first blob holding a secret is where it was introduced. A
 * blob met again at another path is not read again, as what it holds does not depend on its path,
 * except at paths a path-specific detector reads: those blobs are fetched by id afterwards. Blobs
 * are searched in the order the stream names them, so each version of a path is compared with the
 * one before it.
 */
export async function scanExport(cwd: string, revisions: readonly string[], maxFileSize: number, maxFindingsPerFile?: number): Promise<HistoryScanResult> {
  // searched as they stream: a worker thread for the matching was measured slower on two cores
  const found = new FirstHits(maxFindingsPerFile);
  /**
   * blobs asked for, each with the paths it was met at (the first alone, as a string: most blobs
   * are met at one path); and the slot (order of asking) of those the current commit asked for
   */
  const pathsOf = new Map<string, string | Set<string>>();
  let askedNow = new Map<string, number>();
  /** (blob, path) pairs to search in the order the stream names them, each with its blob's slot */
  const queue: Array<{ readonly job: BlobJob; readonly slot: number }> = [];
  let head = 0;
  /** contents cat-file sent by slot (undefined: binary or over the size limit), kept until the queue has searched each of their paths */
  const contents = new Map<number, Buffer | undefined>();
  /** how many (blob, path) pairs in the queue still need each slot's contents */
  const uses = new Map<number, number>();
  const enqueue = (job: BlobJob, slot: number): void => {
    queue.push({ job, slot });
    uses.set(slot, (uses.get(slot) ?? 0) + 1);
  };
  let answered = 0;
  const readAgain: Array<{ readonly id: string; readonly job: BlobJob }> = [];
  /** the last version searched at each path: the next one there is searched where it changed */
  const lastVersion = new Map<string, SearchedVersion>();
  /** the current commit; its header is made only for the few that introduce a secret */
  let commit: { readonly sha: string; readonly author: string } | undefined;
  let order = -1;
  let binary = 0;
  let oversize = 0;
  const searchReady = (): void => {
    while (head < queue.length && queue[head]!.slot < answered) {
      const { job, slot } = queue[head]!;
      head += 1;
      const text = contents.get(slot);
      // the slot's last path: its contents are not needed again
      const left = uses.get(slot)! - 1;
      if (left === 0) {
        uses.delete(slot);
        contents.delete(slot);
      } else {
        uses.set(slot, left);
      }
      if (text !== undefined) lastVersion.set(job.path, found.search(job, text, lastVersion.get(job.path)));
    }
    if (head > QUEUE_TRIM) {
      queue.splice(0, head);
      head = 0;
    }
  };
  const blobs = new BlobStream(cwd, maxFileSize, (_id, _size, body) => {
    const text = body === undefined ? undefined : historyText(body);
    if (body === undefined) oversize += 1;
    else if (text === undefined) binary += 1;
    contents.set(answered, text);
    answered += 1;
    searchReady();
  });
  const parser = new FastExportParser({
    blob: () => undefined,
    commit: (sha, author) => {
      commit = { sha, author };
      askedNow = new Map();
      order += 1;
    },
    file: (blob, mode, path) => {
      // submodules (mode 160000) name commits
      if (!commit || mode.startsWith('160')) return;
      const known = pathsOf.get(blob);
      if (known === undefined) {
        // a blob not met before: asked for now, searched at this path
        pathsOf.set(blob, path);
        askedNow.set(blob, pathsOf.size - 1);
        enqueue({ path, order, sha: commit.sha, author: commit.author }, pathsOf.size - 1);
        blobs.request(blob);
        return;
      }
      // each (blob, path) once
      if (known === path || (typeof known !== 'string' && known.has(path))) return;
      if (typeof known === 'string') pathsOf.set(blob, new Set([known, path]));
      else known.add(path);
      const job = { path, order, sha: commit.sha, author: commit.author };
      const slot = askedNow.get(blob);
      if (slot !== undefined) {
        enqueue(job, slot);
      } else if (pathSpecific(path)) {
        // blobs written by earlier commits were read then
        readAgain.push({ id: blob, job });
      }
    },
  }, 0);
  // git's output waits in a spool file rather than a pipe: git never stalls while a tree scan keeps this thread busy
  const exported = streamGit(cwd, fastExportArguments(revisions), '', parser, spoolDirectory(cwd)).finally(() => blobs.end());
  await Promise.all([exported, blobs.done]);
  if (readAgain.length > 0) {
    const bodies = await readBlobs(cwd, maxFileSize, readAgain.map(({ id }) => id));
    for (const { id, job } of readAgain) {
      const body = bodies.get(id);
      const text = body === undefined ? undefined : historyText(body);
      if (text !== undefined) found.search(job, text);
    }
  }
  return { hits: found.values(), commits: order + 1, binary, oversize, missing: [], omitted: found.omitted };
}

/** searched pairs are dropped from the queue in batches of this many */
const QUEUE_TRIM = 4096;
