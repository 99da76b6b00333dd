/**
 * Small HTTP servers on 127.0.0.1 for registry client tests: a token-protected front for a real
 * registry, and servers that misbehave on purpose (wrong digests, slow answers, 429s).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LocalRegistry } from './registry.js';

export interface TestServer {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  readonly url: string;
  /** every request seen, in order */
  readonly requests: Array<{ method: string; url: string; authorization?: string }>;
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, server: TestServer) => void | Promise<void>;

/**
 * Starts an HTTP server on a free 127.0.0.1 port that records requests and runs `handler`; HTTPS
 * with `tls` (a key and certificate for 127.0.0.1, see `tls.ts`).
 */
export async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  let self: TestServer | undefined;
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) });
    Promise.resolve(handler(request, response, self!)).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  };
  const server: Server = tls ? createTlsServer(tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  self = {
    host: `127.0.0.1:${port}`,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return self;
}

/** Passes a request on to the real registry and copies its answer back (status, headers, body). */
export async function forward(registry: LocalRegistry, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  if (typeof request.headers.accept === 'string') headers['accept'] = request.headers.accept;
  const answer = await fetch(`${registry.url}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers, redirect: 'manual' });
  const body = Buffer.from(await answer.arrayBuffer());
  response.statusCode = answer.status;
  for (const name of ['content-type', 'docker-content-digest', 'location', 'docker-distribution-api-version']) {
    const value = answer.headers.get(name);
    if (value !== null) response.setHeader(name, value);
  }
  response.setHeader('content-length', String(request.method === 'HEAD' ? Number(answer.headers.get('content-length') ?? body.length) : body.length));
  response.end(request.method === 'HEAD' ? undefined : body);
}

export interface TokenFrontOptions {
  /** when set, the token service demands these Basic credentials */
  readonly username?: string;
  readonly password?: string;
}

/**
 * A registry that demands Bearer tokens the way Docker Hub and GHCR do: `/v2/…` answers 401 with
 * `WWW-Authenticate: Bearer realm=…/token,service=…,scope=…`; `/token` issues a token for the
 * scope (checking Basic credentials if configured); requests with the token reach the real registry.
 */
export async function startTokenRegistry(registry: LocalRegistry, options: TokenFrontOptions = {}): Promise<TestServer & { readonly tokensIssued: string[] }> {
  const tokens = new Map<string, string>();
  const tokensIssued: string[] = [];
  const server = await startServer(async (request, response, self) => {
    const url = new URL(request.url ?? '/', self.url);
    if (url.pathname === '/token') {
      if (options.username !== undefined) {
        const expected = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
        if (request.headers.authorization !== expected) {
          response.statusCode = 401;
          response.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
          return;
        }
      }
      const scope = url.searchParams.get('scope') ?? '';
      const token = `token-${tokensIssued.length + 1}`;
      tokens.set(token, scope);
      tokensIssued.push(scope);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    const repository = /^\/v2\/(.+?)\/(?:manifests|blobs|tags|referrers)\//.exec(url.pathname)?.[1];
    const scope = `repository:${repository ?? ''}:pull`;
    const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!presented || tokens.get(presented) !== scope) {
      response.statusCode = 401;
      response.setHeader('www-authenticate', `Bearer realm="${self.url}/token",service="test-registry",scope="${scope}"`);
      response.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    await forward(registry, request, response);
  });
  return Object.assign(server, { tokensIssued });
}
