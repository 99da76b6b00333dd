import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../errors.js';
import { judge, type Decision, type JudgeOptions } from './judge.js';
import { AdmissionMetrics } from './metrics.js';
import { BadReviewError, parseAdmissionReview, reviewResponse, type AdmissionRequest } from './review.js';

/** The API server sends at most 3 MiB objects; a review around one stays below this. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024 + 64 * 1024;
const CERT_POLL_MS = 1000;

export interface AdmissionServerOptions extends JudgeOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly host: string;
  readonly port: number;
  /** one JSON object per line; stderr by default */
  readonly log?: (entry: Record<string, unknown>) => void;
  /** shared with the caches that count their lookups */
  readonly metrics?: AdmissionMetrics;
  /** judges elsewhere (`--workers`: a pool of threads); in this thread with `judge` otherwise */
  readonly judgeWith?: (request: AdmissionRequest) => Promise<Decision>;
}

/** The certificate and key files a TLS server serves (and reloads when they change), and the CA its clients' certificates must chain to. */
export interface KeyPairFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile?: string;
}

export interface AdmissionServer {
  readonly port: number;
  readonly metrics: AdmissionMetrics;
  close(): Promise<void>;
}

/** Starts the HTTPS validating webhook: POST /validate, GET /healthz, /readyz, /metrics. */
export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const log = options.log ?? jsonLog;
  const metrics = options.metrics ?? new AdmissionMetrics();
  const server = createServer({ ...readKeyPair(options), minVersion: 'TLSv1.2' }, (request, response) => {
    handle(request, response, options, metrics, log).catch((error: unknown) => {
      log({ level: 'error', msg: 'request failed', error: errorMessage(error) });
      if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
    });
  });
  server.on('tlsClientError', (error) => log({ level: 'debug', msg: 'tls handshake failed', error: error.message }));
  const stopWatching = watchKeyPair(server, options, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log({ level: 'info', msg: 'admission webhook listening', host: options.host, port, failOn: options.failOn, rules: options.rules.length });
  return {
    port,
    metrics,
    close: () => {
      stopWatching();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: AdmissionServerOptions, metrics: AdmissionMetrics, log: (entry: Record<string, unknown>) => void): Promise<void> {
  const url = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && (url === '/healthz' || url === '/readyz')) return send(response, 200, 'text/plain', 'ok\n');
  if (request.method === 'GET' && url === '/metrics') return send(response, 200, 'text/plain; version=0.0.4', metrics.render());
  if (url !== '/validate') return send(response, 404, 'text/plain', 'not found: the webhook answers POST /validate\n');
  if (request.method !== 'POST') return send(response, 405, 'text/plain', 'method not allowed: POST an AdmissionReview\n');

  const started = performance.now();
  const answer = (code: number, body: string, contentType = 'application/json'): void => {
    metrics.request(code);
    metrics.duration((performance.now() - started) / 1000);
    send(response, code, contentType, body);
  };
  const body = await readBody(request);
  if (body === undefined) {
    log({ level: 'warn', msg: 'admission review rejected', reason: 'body too large' });
    return answer(413, JSON.stringify({ error: `body larger than ${MAX_BODY_BYTES} bytes` }));
  }
  let review;
  try {
    review = parseAdmissionReview(body);
  } catch (error) {
    if (!(error instanceof BadReviewError)) throw error;
    log({ level: 'warn', msg: 'admission review rejected', reason: error.message });
    return answer(400, JSON.stringify({ error: `bad AdmissionReview: ${error.message}` }));
  }
  const decision = options.judgeWith ? await options.judgeWith(review) : await judge(review, options);
  metrics.decision(decision.result, [
    ...decision.denying.map((finding) => ({ ruleId: finding.ruleId, action: 'deny' as const })),
    ...decision.warning.map((finding) => ({ ruleId: finding.ruleId, action: 'warn' as const })),
    ...decision.audited.map((finding) => ({ ruleId: finding.ruleId, action: 'audit' as const })),
  ]);
  answer(200, reviewResponse(decision.response));
  log({
    level: 'info',
    msg: 'admission decision',
    uid: review.uid,
    operation: review.operation,
    kind: review.kind.kind,
    ...(review.namespace ? { namespace: review.namespace } : {}),
    ...(review.name ? { name: review.name } : {}),
    dryRun: review.dryRun,
    result: decision.result,
    ...(decision.skipped ? { skipped: decision.skipped } : {}),
    denied: decision.denying.map((finding) => finding.ruleId),
    warned: decision.warning.map((finding) => finding.ruleId),
    ...(decision.audited.length > 0 ? { audited: decision.audited.map((finding) => finding.ruleId) } : {}),
    ...(decision.unchecked.length > 0 ? { unchecked: decision.unchecked } : {}),
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  });
}

/** The body as text, or undefined when it passes the size bound (the rest is read and dropped, so the client hears the 413). */
export function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export function send(response: ServerResponse, code: number, contentType: string, body: string): void {
  response.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export function readKeyPair(options: KeyPairFiles): { cert: Buffer; key: Buffer; ca?: Buffer } {
  return { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile), ...(options.clientCaFile ? { ca: readFileSync(options.clientCaFile) } : {}) };
}

/** Certificates rotate (cert-manager renews them in place): load the pair again when either file changes. */
export function watchKeyPair(server: Server, options: KeyPairFiles, log: (entry: Record<string, unknown>) => void): () => void {
  const reload = (): void => {
    try {
      server.setSecureContext({ ...readKeyPair(options), minVersion: 'TLSv1.2' });
      log({ level: 'info', msg: 'certificate reloaded', cert: options.certFile });
    } catch (error) {
      log({ level: 'error', msg: 'certificate reload failed; serving the previous one', error: errorMessage(error) });
    }
  };
  for (const file of [options.certFile, options.keyFile]) watchFile(file, { interval: CERT_POLL_MS, persistent: false }, reload);
  return () => {
    for (const file of [options.certFile, options.keyFile]) unwatchFile(file, reload);
  };
}

function jsonLog(entry: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}
