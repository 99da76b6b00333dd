import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import type { CacheName } from './image-checks.js';
import { judge } from './judge.js';
import type { AdmissionRequest } from './review.js';
import { prepareJudge, type JudgeSetup } from './setup.js';

/** One judging thread of `serve admission --workers N`: the main thread keeps TLS, HTTP, metrics and logs. */
const port = parentPort;
if (!port) throw new Error('judge-worker runs as a worker thread');
let lookups: Array<[CacheName, boolean]> = [];
const prepared = await prepareJudge(workerData as JudgeSetup, (cache, hit) => lookups.push([cache, hit]));
port.on('message', (message: { id: number; request: AdmissionRequest }) => {
  judge(message.request, prepared.options).then(
    (decision) => {
      const counted = lookups;
      lookups = [];
      port.postMessage({ id: message.id, ok: true, decision, lookups: counted });
    },
    (error: unknown) => port.postMessage({ id: message.id, ok: false, message: errorMessage(error) }),
  );
});
port.postMessage({ ready: true });
