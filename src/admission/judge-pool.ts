import type { Worker } from 'node:worker_threads';
import { startWorker } from '../sources/start-worker.js';
import type { CacheName } from './image-checks.js';
import type { Decision } from './judge.js';
import type { AdmissionRequest } from './review.js';
import type { JudgeSetup } from './setup.js';

type Reply = { id: number; ok: true; decision: Decision; lookups: Array<[CacheName, boolean]> } | { id: number; ok: false; message: string };

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (decision: Decision) => void; reject: (error: Error) => void }>;
}

/**
 * Judges on worker threads, each with its own rules, config and signature caches, so that one
 * webhook process uses every core; a thread that dies is replaced and its requests fail (500: the
 * API server's failurePolicy decides).
 */
export class JudgePool {
  private readonly threads: Thread[] = [];
  private nextId = 0;
  private closing = false;

  private constructor(private readonly setup: JudgeSetup, private readonly onCacheLookup: (cache: CacheName, hit: boolean) => void) {}

  static async start(size: number, setup: JudgeSetup, onCacheLookup: (cache: CacheName, hit: boolean) => void): Promise<JudgePool> {
    const pool = new JudgePool(setup, onCacheLookup);
    await Promise.all(Array.from({ length: size }, () => pool.spawn()));
    return pool;
  }

  judge(request: AdmissionRequest): Promise<Decision> {
    const thread = this.threads.reduce((least, candidate) => (candidate.pending.size < least.pending.size ? candidate : least));
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, request });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }

  private spawn(): Promise<void> {
    const worker = startWorker(import.meta.url, 'judge-worker', this.setup);
    const thread: Thread = { worker, pending: new Map() };
    return new Promise((ready, failed) => {
      let started = false;
      worker.on('message', (message: Reply | { ready: true }) => {
        if ('ready' in message) {
          started = true;
          this.threads.push(thread);
          ready();
          return;
        }
        const waiting = thread.pending.get(message.id);
        thread.pending.delete(message.id);
        if (!message.ok) return waiting?.reject(new Error(message.message));
        for (const [cache, hit] of message.lookups) this.onCacheLookup(cache, hit);
        waiting?.resolve(message.decision);
      });
      worker.on('error', (error) => {
        if (!started) failed(error);
      });
      worker.on('exit', () => {
        const index = this.threads.indexOf(thread);
        if (index >= 0) this.threads.splice(index, 1);
        for (const { reject } of thread.pending.values()) reject(new Error('a judging thread stopped'));
        if (started && !this.closing) void this.spawn().catch(() => undefined);
      });
    });
  }
}
