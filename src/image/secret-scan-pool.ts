import type { Worker } from 'node:worker_threads';
import { startWorker } from '../sources/start-worker.js';
import { FileBody } from './file-body.js';
import { ByteRing } from './byte-ring.js';

/** One layer file to scan: in this thread its bytes in one piece; to a worker, where they sit in the shared ring. */
export interface ScanJob {
  readonly path: string;
  readonly layer: number;
  readonly content: Uint8Array;
}

/** A file as submitted: whole, or as the slices of the stream it arrived in (copied once, into the ring). */
export interface SubmittedJob {
  readonly path: string;
  readonly layer: number;
  readonly content: Uint8Array | FileBody;
}

/** A file of a batch, as the worker finds it: `length` bytes at `offset` of the ring. */
export interface RingJob {
  readonly path: string;
  readonly layer: number;
  readonly offset: number;
  readonly length: number;
}

export interface ScanBatch {
  readonly id: number;
  /** the pool's ring (shared memory, not copied); the worker only reads it */
  readonly ring: SharedArrayBuffer;
  readonly jobs: readonly RingJob[];
}

export interface ScanAnswer<Result> {
  readonly id: number;
  readonly results: Result[];
}

/** the job's bytes as a view of the ring (in the worker, or here when a worker died) */
export function ringContent(ring: SharedArrayBuffer, job: RingJob): Buffer {
  return Buffer.from(ring, job.offset, job.length);
}

/** Bytes per message: small files go many to a message, or messaging costs more than scanning. */
const BATCH_BYTES = 1024 * 1024;
const BATCH_FILES = 256;
/**
 * The shared memory files are copied into for the workers: bytes submitted and not yet answered
 * live there, so when it is full `submit` waits, which holds back decompression (and memory).
 * A file larger than this is scanned in this thread.
 */
const RING_BYTES = 16 * 1024 * 1024;
/**
 * Rings of closed pools, for the next pools (`scan --analyze-images` makes one per image, two at a
 * time): fresh shared memory for every image cost 16 MB of page faults and zeroing each.
 */
const spareRings: ByteRing[] = [];
const SPARE_RINGS = 2;

function takeRing(): ByteRing {
  return spareRings.pop() ?? new ByteRing(RING_BYTES);
}

interface Posted<Result> {
  readonly id: number;
  /** the files, in the ring until answered (scanned here if the worker dies) */
  jobs?: readonly RingJob[];
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

  post(owner: { answered(id: number, results: unknown[]): void }, worker: Worker, ring: SharedArrayBuffer, jobs: readonly RingJob[]): number {
    const id = this.nextId++;
    this.owners.set(id, owner);
    this.busy(worker, +1);
    const batch: ScanBatch = { id, ring, jobs };
    worker.postMessage(batch);
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
  private ring: ByteRing | undefined;
  private batch: RingJob[] = [];
  private batchBytes = 0;
  private batchRegions: number[] = [];
  /** ring regions per posted batch id, freed when it is answered */
  private readonly regions = new Map<number, number[]>();
  private nextLocalId = 0;
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly workerCount: number, workerModule: { base: string; name: string }, private readonly scanHere: (job: ScanJob) => Result[]) {
    this.shared = SharedWorkers.of(workerModule);
    this.shared.join(this);
  }

  async submit(job: SubmittedJob): Promise<void> {
    const { content } = job;
    const length = content.length;
    if (length > RING_BYTES || !this.hasWorker()) {
      this.flush(); // answers stay in submission order
      const bytes = content instanceof FileBody ? content.bytes : content;
      this.posted.push({ id: -1 - this.nextLocalId++, bytes: 0, results: this.scanHere({ path: job.path, layer: job.layer, content: bytes }) });
      return;
    }
    if (length === 0) {
      this.batch.push({ path: job.path, layer: job.layer, offset: 0, length: 0 });
      return;
    }
    this.ring ??= takeRing();
    let region = this.ring.allocate(length);
    while (region === undefined) {
      this.flush();
      if (this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
      region = this.ring.allocate(length);
    }
    const offset = this.ring.offsetOf(region);
    this.ring.write(offset, content instanceof FileBody ? content.parts : [content]);
    this.batch.push({ path: job.path, layer: job.layer, offset, length });
    this.batchRegions.push(region);
    this.batchBytes += length;
    if (this.batchBytes >= BATCH_BYTES || this.batch.length >= BATCH_FILES) this.flush();
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
    // only a ring no worker still reads goes to the next pool
    if (this.ring && this.inFlight === 0 && this.ring.empty && spareRings.length < SPARE_RINGS) spareRings.push(this.ring);
    this.ring = undefined;
  }

  private hasWorker(): boolean {
    if (this.workerCount === 0) return false;
    this.shared.grow(this.workerCount);
    return this.shared.workers.length > 0;
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const jobs = this.batch;
    const bytes = this.batchBytes;
    const regions = this.batchRegions;
    this.batch = [];
    this.batchBytes = 0;
    this.batchRegions = [];
    const worker = this.pickWorker();
    if (!worker) {
      this.posted.push({ id: -1 - this.nextLocalId++, bytes: 0, results: jobs.flatMap((job) => this.scanFromRing(job)) });
      for (const region of regions) this.ring!.free(region);
      return;
    }
    this.ring ??= takeRing();
    const id = this.shared.post(this, worker, this.ring.buffer, jobs);
    this.regions.set(id, regions);
    this.posted.push({ id, jobs, bytes, worker });
    this.inFlight += bytes;
  }

  private scanFromRing(job: RingJob): Result[] {
    return this.scanHere({ path: job.path, layer: job.layer, content: job.length === 0 ? Buffer.alloc(0) : ringContent(this.ring!.buffer, job) });
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
    for (const posted of this.posted) if (posted.worker === worker && posted.jobs) this.answered(posted.id, posted.jobs.flatMap((job) => this.scanFromRing(job)));
  }

  answered(id: number, results: unknown[]): void {
    const posted = this.posted.find((candidate) => candidate.id === id);
    if (!posted || posted.results) return;
    posted.results = results as Result[];
    delete posted.jobs;
    this.inFlight -= posted.bytes;
    for (const region of this.regions.get(id) ?? []) this.ring!.free(region);
    this.regions.delete(id);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
