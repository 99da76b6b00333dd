import { parentPort } from 'node:worker_threads';
import { secretsInFile, serializeSecret } from './layer-secrets.js';
import { ringContent, type ScanAnswer, type ScanBatch } from './secret-scan-pool.js';

/**
 * Worker thread entry: scans batches of layer files (read in place in the pool's shared ring) and
 * answers with what it found. The scanner sends only files in which it saw a detector keyword.
 */
parentPort?.on('message', (batch: ScanBatch) => {
  const results = batch.jobs.flatMap((job) => secretsInFile(job.path, job.layer, ringContent(batch.ring, job), true).map(serializeSecret));
  const answer: ScanAnswer<ReturnType<typeof serializeSecret>> = { id: batch.id, results };
  parentPort?.postMessage(answer);
});
