import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RampartError } from '../../errors.js';
import { listCommits, type HistorySelection } from '../../sources/git/commits.js';
import { repositoryInfo } from '../../sources/git/git.js';
import { historyLogArguments, stagedDiffArguments } from '../../sources/git/history-log.js';
import { scanPatches, type HistoryHit, type PatchScanRequest, type PatchScanResult } from './scan-patches.js';

export interface HistoryScan {
  /** one per (rule, secret): where it first appeared */
  readonly hits: readonly HistoryHit[];
  readonly commits: number;
  readonly binary: number;
  readonly oversize: number;
  readonly shallow: boolean;
}

export interface HistoryOptions extends HistorySelection {
  readonly maxFileSize: number;
  /** parallel git readers (worker threads); defaults to the cores (at most 4), one per 400 commits */
  readonly workers?: number;
}

/** Below this many commits one reader is faster than starting threads. */
const COMMITS_PER_WORKER = 400;

/** Scans what every selected commit added, in parallel slices of history, each with its own git. */
export async function scanHistory(root: string, options: HistoryOptions): Promise<HistoryScan> {
  const info = await repositoryInfo(root);
  const commits = await listCommits(root, options);
  const automatic = Math.min(availableParallelism(), 4, Math.ceil(commits.length / COMMITS_PER_WORKER));
  const slices = Math.max(1, Math.min(options.workers ?? automatic, commits.length));
  const size = Math.ceil(commits.length / slices);
  const requests: PatchScanRequest[] = [];
  for (let first = 0; first < commits.length; first += size) {
    requests.push({ cwd: root, args: historyLogArguments(info.prefix), input: `${commits.slice(first, first + size).join('\n')}\n`, firstOrder: first, maxFileSize: options.maxFileSize });
  }
  const results = requests.length <= 1 ? await Promise.all(requests.map(scanPatches)) : await Promise.all(requests.map(inWorker));
  return { ...merge(results), shallow: info.shallow };
}

/** Scans what is staged in the index (pre-commit): one pseudo-commit named `staged`. */
export async function scanStaged(root: string, maxFileSize: number): Promise<HistoryScan> {
  const info = await repositoryInfo(root);
  const result = await scanPatches({
    cwd: root, args: stagedDiffArguments(info.prefix), input: '', firstOrder: 0, maxFileSize,
    pseudoCommit: { sha: 'staged', author: '', date: '' },
  });
  return { ...merge([result]), commits: 0, shallow: info.shallow };
}

function merge(results: readonly PatchScanResult[]): Omit<HistoryScan, 'shallow'> {
  const first = new Map<string, HistoryHit>();
  for (const hit of results.flatMap((result) => result.hits)) {
    const key = `${hit.ruleId}\0${hit.hash}`;
    const known = first.get(key);
    if (!known || hit.order < known.order) first.set(key, hit);
  }
  const sum = (pick: (result: PatchScanResult) => number): number => results.reduce((total, result) => total + pick(result), 0);
  return { hits: [...first.values()].sort((a, b) => a.order - b.order), commits: sum((r) => r.commits), binary: sum((r) => r.binary), oversize: sum((r) => r.oversize) };
}

function inWorker(request: PatchScanRequest): Promise<PatchScanResult> {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(source ? './history-worker.ts' : './history-worker.js', import.meta.url);
  return new Promise((resolve, reject) => {
    // from TypeScript sources (tests, benchmarks via tsx) the worker registers tsx before loading its module
    const worker = source
      ? new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: request })
      : new Worker(url, { workerData: request });
    let settled = false;
    worker.once('message', (message: { ok: true; result: PatchScanResult } | { ok: false; message: string }) => {
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
