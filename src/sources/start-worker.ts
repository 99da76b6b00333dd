import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread from the module `name` (no extension) beside `base` (the caller's
 * `import.meta.url`: in the bundle every entry point sits beside every chunk). From TypeScript
 * sources (tests, benchmarks via tsx) the worker registers tsx before loading it.
 */
export function startWorker(base: string, name: string, workerData?: unknown): Worker {
  const source = base.endsWith('.ts');
  const url = new URL(`./${name}${source ? '.ts' : '.js'}`, base);
  const options = workerData === undefined ? {} : { workerData };
  return source
    ? new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, ...options })
    : new Worker(url, options);
}
