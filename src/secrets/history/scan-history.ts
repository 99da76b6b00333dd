import { availableParallelism } from 'node:os';
import { RampartError } from '../../errors.js';
import { listCommits, selectionRevisions, type HistorySelection } from '../../sources/git/commits.js';
import { repositoryInfo, type RepositoryInfo } from '../../sources/git/git.js';
import { historyRawArguments, stagedRawArguments } from '../../sources/git/raw-log.js';
import { FirstHits } from './first-hits.js';
import { scanBlobs, type BlobScanRequest } from './scan-blobs.js';
import { scanExport } from './scan-export.js';
import { startWorker } from '../../sources/start-worker.js';
import { commitIndex } from '../../sources/git-env.js';
import type { HistoryHit, HistoryScanResult, MissingBlob } from './history-hit.js';
import { isPartialClone, missingObjects, reachesShallowCut } from '../../sources/git/partial.js';

export interface HistoryScan {
  /** one per (rule, secret): where it first appeared */
  readonly hits: readonly HistoryHit[];
  readonly commits: number;
  readonly binary: number;
  readonly oversize: number;
  /** blobs the selected commits wrote that the repository does not hold */
  readonly missing: readonly MissingBlob[];
  /** matches not listed: over the cap of one rule in one file version */
  readonly omitted: number;
  /** why git stopped before the end of the selected history, when it did */
  readonly stopped?: string;
  /** a shallow clone whose cut-off lies inside the selected history: older commits were not scanned */
  readonly shallow: boolean;
}

export interface HistoryOptions extends HistorySelection {
  readonly maxFileSize: number;
  /** findings of one rule listed per file version (default 100) */
  readonly maxFindingsPerFile?: number;
  /**
   * slices of history read in parallel, each by its own pair of git processes in a worker thread;
   * defaults to one slice per two cores (at most 4) and per 5,000 commits; one slice is read on
   * the calling thread
   */
  readonly workers?: number;
  /** what the caller already learnt about the repository (saves running git once more) */
  readonly repository?: RepositoryInfo;
}

/**
 * A slice keeps two git processes (`log --raw`, `cat-file`) and a thread busy, and a worker thread
 * first loads the detectors: measured on two cores, one slice on the main thread beats two worker
 * threads by a sixth of the whole scan. So one slice per two cores, and per 5,000 commits.
 */
const COMMITS_PER_WORKER = 5_000;
const CORES_PER_WORKER = 2;

/** Scans the blobs every selected commit wrote, in parallel slices of history, each with its own git readers. */
export async function scanHistory(root: string, options: HistoryOptions): Promise<HistoryScan> {
  const info = options.repository ?? await repositoryInfo(root);
  const checkParents = options.since !== undefined || options.range !== undefined;
  const automatic = Math.min(Math.floor(availableParallelism() / CORES_PER_WORKER), 4);
  const cap = options.maxFindingsPerFile === undefined ? {} : { maxFindingsPerFile: options.maxFindingsPerFile };
  const shallow = info.shallow && await reachesShallowCut(root, selectionRevisions(options));
  // git stops at the first blob a partial clone lacks: those are listed first, and never asked for
  const absent = await isPartialClone(root) ? { absent: await missingObjects(root, selectionRevisions(options)) } : {};
  if ((options.workers ?? automatic) <= 1 && info.prefix === '') {
    const revisions = selectionRevisions(options);
    if (!checkParents && absent.absent === undefined) {
      // whole history: one git process streams every blob and the commits that write them
      const exported = await scanExport(root, revisions, options.maxFileSize, options.maxFindingsPerFile).catch((error: unknown) => {
        if (error instanceof RampartError && error.code === 'git-failed') return undefined;
        throw error;
      });
      if (exported) return { ...merge([exported]), shallow };
    }
    // one reader: git walks the commits itself, no list to wait for first
    const args = historyRawArguments(info.prefix, revisions);
    const request: BlobScanRequest = { cwd: root, args, input: '', firstOrder: 0, maxFileSize: options.maxFileSize, checkParents, newestFirst: true, ...absent, ...cap };
    return { ...merge([await scanBlobs(request)]), shallow };
  }
  const commits = await listCommits(root, options);
  const slices = Math.max(1, Math.min(options.workers ?? Math.min(automatic, Math.ceil(commits.length / COMMITS_PER_WORKER)), commits.length));
  const size = Math.ceil(commits.length / slices);
  const requests: BlobScanRequest[] = [];
  for (let first = 0; first < commits.length; first += size) {
    requests.push({ cwd: root, args: historyRawArguments(info.prefix), input: `${commits.slice(first, first + size).join('\n')}\n`, firstOrder: first, maxFileSize: options.maxFileSize, checkParents, ...absent, ...cap });
  }
  const results = requests.length <= 1 ? await Promise.all(requests.map(scanBlobs)) : await Promise.all(requests.map(inWorker));
  return { ...merge(results), shallow };
}

/**
 * Scans what is staged in the index (pre-commit) as one pseudo-commit named `staged`: each staged
 * file whole, reporting only the secrets its HEAD version did not hold.
 */
export async function scanStaged(root: string, maxFileSize: number): Promise<HistoryScan> {
  const info = await repositoryInfo(root);
  const result = await scanBlobs({
    cwd: root, args: stagedRawArguments(info.prefix), input: '', firstOrder: 0, maxFileSize, checkParents: true, env: commitIndex(info.gitDirectory),
    pseudoCommit: { sha: 'staged', author: '', date: '' },
  });
  return { ...merge([result]), commits: 0, shallow: false };
}

function merge(results: readonly HistoryScanResult[]): Omit<HistoryScan, 'shallow'> {
  const first = new FirstHits();
  for (const hit of results.flatMap((result) => result.hits)) first.add(hit);
  const sum = (pick: (result: HistoryScanResult) => number): number => results.reduce((total, result) => total + pick(result), 0);
  const stopped = results.flatMap((result) => (result.stopped === undefined ? [] : [result.stopped]));
  return {
    hits: first.values(), commits: sum((r) => r.commits), binary: sum((r) => r.binary), oversize: sum((r) => r.oversize),
    missing: results.flatMap((result) => result.missing), omitted: sum((r) => r.omitted), ...(stopped.length > 0 ? { stopped: stopped.join('; ') } : {}),
  };
}

function inWorker(request: BlobScanRequest): Promise<HistoryScanResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(import.meta.url, 'history-worker', request);
    let settled = false;
    worker.once('message', (message: { ok: true; result: HistoryScanResult } | { ok: false; message: string }) => {
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new RampartError('git-failed', message.message));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (!settled) reject(new RampartError('internal', `history reader failed: ${error.message}`, { cause: error }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new RampartError('internal', `history reader stopped (exit ${code})`));
    });
  });
}
