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
 * Worker threads that scan layer files while the main thread goes on decompressing and hashing.
 * Results come back in submission order. A worker that fails has its unanswered batches scanned in
 * this thread by `scanHere`, so a broken worker costs time, never findings.
 */
export class SecretScanPool<Result> {
  private readonly workers: Worker[] = [];
  private readonly posted: Array<Posted<Result>> = [];
  private batch: ScanJob[] = [];
  private batchBytes = 0;
  private nextId = 0;
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private cannotStart = false;

  constructor(private readonly workerCount: number, private readonly workerModule: { base: string; name: string }, private readonly scanHere: (job: ScanJob) => Result[]) {}

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

  close(): void {
    for (const worker of this.workers.splice(0)) void worker.terminate();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const batch: ScanBatch = { id: this.nextId++, jobs: this.batch };
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    const worker = this.pickWorker();
    if (!worker) {
      this.posted.push({ id: batch.id, bytes, results: batch.jobs.flatMap(this.scanHere) });
      return;
    }
    this.posted.push({ id: batch.id, jobs: batch.jobs, bytes, worker });
    this.inFlight += bytes;
    // the files' bytes in one buffer, handed over: a view alone would clone the whole decompressed chunk under it
    const packed = new Uint8Array(bytes);
    let at = 0;
    const jobs = batch.jobs.map((job) => {
      packed.set(job.content, at);
      const content = packed.subarray(at, at + job.content.length);
      at += job.content.length;
      return { ...job, content };
    });
    worker.postMessage({ id: batch.id, jobs }, [packed.buffer]);
  }

  /** the worker with the fewest unanswered bytes, starting one more while fewer than asked run */
  private pickWorker(): Worker | undefined {
    if (this.workers.length < this.workerCount && !this.cannotStart) {
      try {
        this.workers.push(this.startOne());
      } catch {
        this.cannotStart = true; // no threads here: scan in this one
      }
    }
    let best: Worker | undefined;
    let bestLoad = Infinity;
    for (const worker of this.workers) {
      const load = this.posted.reduce((sum, posted) => sum + (posted.worker === worker && !posted.results ? posted.bytes : 0), 0);
      if (load < bestLoad) {
        best = worker;
        bestLoad = load;
      }
    }
    return best;
  }

  private startOne(): Worker {
    const worker = startWorker(this.workerModule.base, this.workerModule.name);
    worker.unref();
    worker.on('message', (answer: ScanAnswer<Result>) => this.answered(answer.id, answer.results));
    const fail = (): void => {
      const index = this.workers.indexOf(worker);
      if (index === -1) return;
      this.workers.splice(index, 1);
      void worker.terminate();
      for (const posted of this.posted) if (posted.worker === worker && posted.jobs) this.answered(posted.id, posted.jobs.flatMap(this.scanHere));
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    return worker;
  }

  private answered(id: number, results: Result[]): void {
    const posted = this.posted.find((candidate) => candidate.id === id);
    if (!posted || posted.results) return;
    posted.results = results;
    delete posted.jobs;
    this.inFlight -= posted.bytes;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
