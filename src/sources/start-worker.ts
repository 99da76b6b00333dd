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
  // resolved here, not in the worker: an eval'd worker resolves bare names from the current directory
  const tsx = source ? import.meta.resolve('tsx/esm/api') : '';
  return source
    ? new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, ...options })
    : new Worker(url, options);
}
