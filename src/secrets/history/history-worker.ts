import { parentPort, workerData } from 'node:worker_threads';
import { scanBlobs, type BlobScanRequest } from './scan-blobs.js';

/** Worker thread entry: scans one slice of history with its own git process. */
const request = workerData as BlobScanRequest;
scanBlobs(request).then(
  (result) => parentPort?.postMessage({ ok: true, result }),
  (error: unknown) => parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) }),
);
