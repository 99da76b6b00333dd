import { parentPort } from 'node:worker_threads';
import { secretsInFile, serializeSecret } from './layer-secrets.js';
import type { ScanAnswer, ScanBatch } from './secret-scan-pool.js';

/** Worker thread entry: scans batches of layer files for secrets and answers with what it found. */
parentPort?.on('message', (batch: ScanBatch) => {
  const results = batch.jobs.flatMap((job) => secretsInFile(job.path, job.layer, job.content).map(serializeSecret));
  const answer: ScanAnswer<ReturnType<typeof serializeSecret>> = { id: batch.id, results };
  parentPort?.postMessage(answer);
});
