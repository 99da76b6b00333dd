import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readBody, readKeyPair, send, watchKeyPair, type KeyPairFiles } from '../admission/server.js';
import { errorMessage, RampartError } from '../errors.js';

/** The API server batches up to 400 events (`--audit-webhook-batch-max-size`), each up to a few MiB at RequestResponse. */
export const MAX_AUDIT_BODY_BYTES = 256 * 1024 * 1024;
/** A Flux event's message is at most 39,000 characters; its metadata is small. */
export const MAX_EVENT_BODY_BYTES = 1024 * 1024;

/** What a POST is, by its path; each kind has its own reader. */
export interface ListenerRoute {
  readonly path: string;
  readonly limit: number;
  /** what the body must be, for the 405 and 404 answers */
  readonly describe: string;
  /** Checks the sender before the body is read: a reason to answer 401, or undefined to go on. */
  authorize?(text: string, headers: IncomingMessage['headers']): string | undefined;
  /** Takes the parsed body; throws a BadBodyError (answered 400) when it is not what the route reads. */
  accept(body: unknown, sequence: number): void;
}

/** A body the route cannot read: answered 400 with this message. */
export class BadBodyError extends Error {}

export interface ListenerOptions extends KeyPairFiles {
  readonly host: string;
  readonly port: number;
  readonly routes: readonly ListenerRoute[];
  readonly log: (entry: Record<string, unknown>) => void;
}

export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `rampart watch --listen`: an HTTPS endpoint the API server's audit webhook backend (and Flux's
 * notification-controller) post to. Every body is answered: 200 when read, 400 when it is not what
 * the path reads, 413 when too large; an error judging it is logged, never fatal.
 */
export async function startListener(options: ListenerOptions): Promise<Listener> {
  const { log } = options;
  let sequence = 0;
  const tls = { minVersion: 'TLSv1.2' as const, ...(options.clientCaFile ? { requestCert: true, rejectUnauthorized: true } : {}) };
  let server: Server;
  try {
    server = createServer({ ...readKeyPair(options), ...tls }, (request, response) => {
      sequence += 1;
      handle(request, response, options, sequence).catch((error: unknown) => {
        log({ level: 'error', msg: 'request failed', error: errorMessage(error) });
        if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
      });
    });
  } catch (error) {
    throw new RampartError('usage', `cannot load the TLS certificate and key (${[options.certFile, options.keyFile, options.clientCaFile].filter(Boolean).join(', ')}): ${errorMessage(error)}`, { cause: error });
  }
  server.on('tlsClientError', (error) => log({ level: 'debug', msg: 'tls handshake failed', error: error.message }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new RampartError('usage', `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, { cause: error })));
    server.listen(options.port, options.host, () => resolve());
  });
  server.on('error', (error) => log({ level: 'error', msg: 'server error', error: error.message }));
  const stopWatching = watchKeyPair(server, options, log);
  const port = (server.address() as AddressInfo).port;
  log({ level: 'info', msg: 'watch listening', host: options.host, port, paths: options.routes.map((route) => route.path) });
  return {
    port,
    close: () => {
      stopWatching();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: ListenerOptions, sequence: number): Promise<void> {
  const url = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && (url === '/healthz' || url === '/readyz')) return send(response, 200, 'text/plain', 'ok\n');
  const route = options.routes.find((candidate) => candidate.path === url);
  const paths = options.routes.map((candidate) => `POST ${candidate.path} (${candidate.describe})`).join(', ');
  if (!route) return send(response, 404, 'text/plain', `not found: this endpoint answers ${paths}\n`);
  if (request.method !== 'POST') return send(response, 405, 'text/plain', `method not allowed: POST ${route.describe}\n`);
  const text = await readBody(request, route.limit);
  const reject = (code: number, reason: string): void => {
    options.log({ level: 'warn', msg: 'body rejected', path: route.path, reason });
    send(response, code, 'application/json', JSON.stringify({ error: reason }));
  };
  if (text === undefined) return reject(413, `body larger than ${route.limit} bytes`);
  const refused = route.authorize?.(text, request.headers);
  if (refused) return reject(401, refused);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return reject(400, `bad ${route.describe}: not JSON (${(error as Error).message})`);
  }
  try {
    route.accept(body, sequence);
  } catch (error) {
    if (!(error instanceof BadBodyError)) throw error;
    return reject(400, `bad ${route.describe}: ${error.message}`);
  }
  send(response, 200, 'application/json', '{}');
}

/**
 * Flux's `generic-hmac` Provider signs each event with the Secret's token:
 * `X-Signature: sha256=<hex HMAC-SHA256 of the body>` (notification-controller internal/notifier/forwarder.go).
 */
export function checkFluxSignature(key: Buffer, text: string, headers: IncomingMessage['headers']): string | undefined {
  const header = headers['x-signature'];
  const signature = Array.isArray(header) ? header[0] : header;
  if (!signature) return 'no X-Signature header: the Provider must be generic-hmac with the key given to --flux-hmac-key';
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!match) return 'X-Signature is not sha256=<hex>';
  const expected = createHmac('sha256', key).update(text, 'utf8').digest();
  const given = Buffer.from(match[1]!, 'hex');
  return timingSafeEqual(expected, given) ? undefined : 'X-Signature does not match the body signed with the --flux-hmac-key key';
}

/** `HOST:PORT`, `:PORT` (every interface), `[::1]:PORT` or `PORT`. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]*):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new RampartError('usage', `--listen ${text}: give HOST:PORT, :PORT or PORT`);
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host || '0.0.0.0', port };
}
