import { readBlobs } from '../../sources/git/blob-stream.js';
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
 * Scans whole history from one `git fast-export` stream: each blob is read once, with the path
 * of the first commit that writes it, and commits come parents first, so the first blob holding
 * a secret is where it was introduced. A blob met again at another path is not read again, as
 * what it holds does not depend on its path, except at paths a path-specific detector reads: those
 * blobs are fetched by id afterwards.
 */
export async function scanExport(cwd: string, revisions: readonly string[], maxFileSize: number, maxFindingsPerFile?: number): Promise<HistoryScanResult> {
  // searched as they stream: a worker thread for the matching was measured slower on two cores
  const found = new FirstHits(maxFindingsPerFile);
  /** the blobs sent for the commit that follows them, by mark */
  let fresh = new Map<string, Buffer>();
  /** object ids of blobs by mark, for the few read again */
  const ids = new Map<string, string>();
  const readAgain: Array<{ readonly id: string; readonly job: BlobJob }> = [];
  let commitSeen = false;
  const scanned = new Set<string>();
  /** the last version searched at each path: the next one there is searched where it changed */
  const lastVersion = new Map<string, SearchedVersion>();
  /** the current commit; its header is made only for the few that introduce a secret */
  let commit: { readonly sha: string; readonly author: string } | undefined;
  let order = -1;
  let binary = 0;
  let oversize = 0;
  const parser = new FastExportParser({
    blob: (mark, body, oid) => {
      ids.set(mark, oid);
      if (commitSeen) {
        fresh = new Map();
        commitSeen = false;
      }
      const text = body === undefined ? undefined : historyText(body);
      if (body === undefined) oversize += 1;
      else if (text === undefined) binary += 1;
      else fresh.set(mark, text);
    },
    commit: (sha, author) => {
      commit = { sha, author };
      commitSeen = true;
      order += 1;
    },
    file: (blob, mode, path) => {
      // submodules (mode 160000) name commits
      if (!commit || mode.startsWith('160')) return;
      const key = `${blob}\0${path}`;
      if (scanned.has(key)) return;
      scanned.add(key);
      const job = { path, order, sha: commit.sha, author: commit.author };
      const body = fresh.get(blob);
      // blobs sent for earlier commits were read then
      if (body !== undefined) lastVersion.set(path, found.search(job, body, lastVersion.get(path)));
      else if (pathSpecific(path)) readAgain.push({ id: ids.get(blob) ?? blob, job });
    },
  }, maxFileSize);
  // git's output waits in a spool file rather than a pipe: git never stalls while a tree scan keeps this thread busy
  await streamGit(cwd, fastExportArguments(revisions), '', parser, spoolDirectory(cwd));
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
