import { FastExportParser, fastExportArguments } from '../../sources/git/fast-export.js';
import { streamGit } from '../../sources/git/stream-git.js';
import { looksBinary } from '../../sources/read.js';
import type { HistoryScanResult } from './history-hit.js';
import { FirstHits } from './first-hits.js';

/**
 * Scans whole history from one `git fast-export` stream: each blob is read once, with the path
 * of the first commit that writes it, and commits come parents first, so the first blob holding
 * a secret is where it was introduced. A blob met again at another path is not read again.
 */
export async function scanExport(cwd: string, revisions: readonly string[], maxFileSize: number): Promise<HistoryScanResult> {
  // searched as they stream: a worker thread for the matching was measured slower on two cores
  const found = new FirstHits();
  /** the blobs sent for the commit that follows them, by mark */
  let fresh = new Map<string, Buffer>();
  let commitSeen = false;
  const scanned = new Set<string>();
  /** the current commit; its header is made only for the few that introduce a secret */
  let commit: { readonly sha: string; readonly author: string } | undefined;
  let order = -1;
  let binary = 0;
  let oversize = 0;
  const parser = new FastExportParser({
    blob: (mark, body) => {
      if (commitSeen) {
        fresh = new Map();
        commitSeen = false;
      }
      if (body === undefined) oversize += 1;
      else if (looksBinary(body)) binary += 1;
      else fresh.set(mark, body);
    },
    commit: (sha, author) => {
      commit = { sha, author };
      commitSeen = true;
      order += 1;
    },
    file: (blob, mode, path) => {
      const body = fresh.get(blob);
      // submodules (mode 160000) name commits; blobs sent for earlier commits were read then
      if (!commit || mode.startsWith('160') || body === undefined) return;
      const key = `${blob}\0${path}`;
      if (scanned.has(key)) return;
      scanned.add(key);
      found.search({ path, order, sha: commit.sha, author: commit.author }, body);
    },
  }, maxFileSize);
  await streamGit(cwd, fastExportArguments(revisions), '', parser);
  return { hits: found.values(), commits: order + 1, binary, oversize };
}
