import type { Worker } from 'node:worker_threads';
import { startWorker } from '../sources/start-worker.js';

/** One layer file to scan; its bytes are copied to the worker, the original kept until the answer (for a worker that dies). */
export interface ScanJob {
  readonly path: string;
  readonly layer: number;
  readonly content: Uint8Array;
}

export interface ScanBatch {
  readonly id: number;
  readonly jobs: readonly ScanJob[];
}

export interface ScanAnswer<Result> {
  readonly id: number;
  readonly results: Result[];
}

/** Bytes per message: small files go many to a message, or messaging costs more than scanning. */
const BATCH_BYTES = 1024 * 1024;
const BATCH_FILES = 256;
/** bytes posted and not yet answered; past it `submit` waits, which holds back decompression (and memory) */
const MAX_IN_FLIGHT = 16 * 1024 * 1024;

interface Posted<Result> {
  readonly id: number;
  /** the files, kept only until answered (to scan here if the worker dies) */
  jobs?: readonly ScanJob[];
  readonly bytes: number;
  readonly worker?: Worker;
  results?: Result[];
}

/**
 * The worker threads of one worker module, started once per process and shared by every pool that
 * scans with it: `scan --analyze-images` reads many images, and a thread started per image costs
 * its start-up (loading every detector) each time. Answers go to the pool that posted the batch.
 */
class SharedWorkers {
  private static readonly byModule = new Map<string, SharedWorkers>();
  readonly workers: Worker[] = [];
  cannotStart = false;
  private readonly owners = new Map<number, { answered(id: number, results: unknown[]): void }>();
  /** unanswered batches per thread: a thread with some keeps the process alive, an idle one does not */
  private readonly outstanding = new Map<Worker, number>();
  private readonly pools = new Set<{ workerFailed(worker: Worker): void }>();
  private nextId = 0;

  private constructor(private readonly module: { base: string; name: string }) {}

  static of(module: { base: string; name: string }): SharedWorkers {
    const key = new URL(`./${module.name}`, module.base).href;
    let shared = SharedWorkers.byModule.get(key);
    if (!shared) SharedWorkers.byModule.set(key, (shared = new SharedWorkers(module)));
    return shared;
  }

  /** how many threads of `module` run in this process */
  static running(module: { base: string; name: string }): number {
    return SharedWorkers.byModule.get(new URL(`./${module.name}`, module.base).href)?.workers.length ?? 0;
  }

  /** starts one more worker while fewer than `count` run (none when threads cannot start here) */
  grow(count: number): void {
    if (this.workers.length >= count || this.cannotStart) return;
    try {
      this.workers.push(this.startOne());
    } catch {
      this.cannotStart = true; // no threads here: scan in this one
    }
  }

  join(pool: { workerFailed(worker: Worker): void }): void {
    this.pools.add(pool);
  }

  leave(pool: { workerFailed(worker: Worker): void }): void {
    this.pools.delete(pool);
  }

  post(owner: { answered(id: number, results: unknown[]): void }, worker: Worker, jobs: readonly ScanJob[], transfer: ArrayBuffer): number {
    const id = this.nextId++;
    this.owners.set(id, owner);
    this.busy(worker, +1);
    worker.postMessage({ id, jobs }, [transfer]);
    return id;
  }

  private busy(worker: Worker, change: number): void {
    const count = (this.outstanding.get(worker) ?? 0) + change;
    this.outstanding.set(worker, count);
    if (count === 1 && change > 0) worker.ref();
    if (count === 0) worker.unref();
  }

  private startOne(): Worker {
    const worker = startWorker(this.module.base, this.module.name);
    worker.on('message', (answer: ScanAnswer<unknown>) => {
      const owner = this.owners.get(answer.id);
      this.owners.delete(answer.id);
      if (owner) this.busy(worker, -1);
      owner?.answered(answer.id, answer.results);
    });
    const fail = (): void => {
      const index = this.workers.indexOf(worker);
      if (index === -1) return;
      this.workers.splice(index, 1);
      this.outstanding.delete(worker);
      void worker.terminate();
      for (const pool of this.pools) pool.workerFailed(worker);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    // after the listeners: adding a 'message' listener refs the worker's port again, and a shared thread must not keep the process alive
    worker.unref();
    return worker;
  }
}

/**
 * Worker threads that scan layer files while the main thread goes on decompressing and hashing.
 * Results come back in submission order. A worker that fails has its unanswered batches scanned in
 * this thread by `scanHere`, so a broken worker costs time, never findings. The threads are shared
 * by every pool of the same worker module in the process (and do not keep it alive).
 */
export class SecretScanPool<Result> {
  private readonly shared: SharedWorkers;
  private readonly posted: Array<Posted<Result>> = [];
  private batch: ScanJob[] = [];
  private batchBytes = 0;
  private nextLocalId = 0;
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly workerCount: number, workerModule: { base: string; name: string }, private readonly scanHere: (job: ScanJob) => Result[]) {
    this.shared = SharedWorkers.of(workerModule);
    this.shared.join(this);
  }

  async submit(job: ScanJob): Promise<void> {
    this.batch.push(job);
    this.batchBytes += job.content.length;
    if (this.batchBytes >= BATCH_BYTES || this.batch.length >= BATCH_FILES) this.flush();
    while (this.inFlight > MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Everything submitted so far, answered, in submission order. */
  async drain(): Promise<Result[]> {
    this.flush();
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    const results = this.posted.flatMap((posted) => posted.results ?? []);
    this.posted.length = 0;
    return results;
  }

  /** threads of `module` running in this process, shared by its pools */
  static threads(module: { base: string; name: string }): number {
    return SharedWorkers.running(module);
  }

  /** this pool is done: the shared threads stay for the next one */
  close(): void {
    this.shared.leave(this);
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const jobs = this.batch;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    const worker = this.pickWorker();
    if (!worker) {
      this.posted.push({ id: -1 - this.nextLocalId++, bytes, results: jobs.flatMap(this.scanHere) });
      return;
    }
    // the files' bytes in one buffer, handed over: a view alone would clone the whole decompressed chunk under it
    const packed = new Uint8Array(bytes);
    let at = 0;
    const handed = jobs.map((job) => {
      packed.set(job.content, at);
      const content = packed.subarray(at, at + job.content.length);
      at += job.content.length;
      return { ...job, content };
    });
    const id = this.shared.post(this, worker, handed, packed.buffer);
    this.posted.push({ id, jobs, bytes, worker });
    this.inFlight += bytes;
  }

  /** the worker with the fewest unanswered bytes of this pool, starting one more while fewer than asked run */
  private pickWorker(): Worker | undefined {
    this.shared.grow(this.workerCount);
    let best: Worker | undefined;
    let bestLoad = Infinity;
    for (const worker of this.shared.workers.slice(0, Math.max(1, this.workerCount))) {
      const load = this.posted.reduce((sum, posted) => sum + (posted.worker === worker && !posted.results ? posted.bytes : 0), 0);
      if (load < bestLoad) {
        best = worker;
        bestLoad = load;
      }
    }
    return this.workerCount > 0 ? best : undefined;
  }

  /** a shared worker died: what it had of this pool is scanned here */
  workerFailed(worker: Worker): void {
    for (const posted of this.posted) if (posted.worker === worker && posted.jobs) this.answered(posted.id, posted.jobs.flatMap(this.scanHere));
  }

  answered(id: number, results: unknown[]): void {
    const posted = this.posted.find((candidate) => candidate.id === id);
    if (!posted || posted.results) return;
    posted.results = results as Result[];
    delete posted.jobs;
    this.inFlight -= posted.bytes;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
