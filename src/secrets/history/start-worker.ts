import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread from a module beside this one (`name` without extension). From
 * TypeScript sources (tests, benchmarks via tsx) the worker registers tsx before loading it.
 */
export function startWorker(name: string, workerData?: unknown): Worker {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(`./${name}${source ? '.ts' : '.js'}`, import.meta.url);
  const options = workerData === undefined ? {} : { workerData };
  return source
    ? new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, ...options })
    : new Worker(url, options);
}
