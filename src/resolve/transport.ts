import type { Dispatcher } from 'undici';
import { keepWasmOnBaseline } from '../wasm-baseline.js';
import { ConcurrencyLimit, backoffDelay, sleep } from './limit.js';
import type { Credential, CredentialSource } from './credentials.js';
import { ResolveError } from './errors.js';
import { refuseSlowBody } from './slow-body.js';
import { parseChallenges, type Challenge } from './www-authenticate.js';

export interface TransportOptions {
  /** per HTTP exchange, headers and body (default 10 s) */
  readonly timeoutMs?: number;
  /** extra attempts after a 429, a 5xx, a timeout or a refused connection (default 2) */
  readonly retries?: number;
  readonly backoffMs?: number;
  /** HTTP exchanges in flight at once, over all registries (default 8) */
  readonly concurrency?: number;
  readonly credentials?: CredentialSource;
  /** defaults to undici's EnvHttpProxyAgent (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) */
  readonly dispatcher?: Dispatcher;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** the URL that gave this answer, after redirects */
  readonly url: string;
}

/** The most a successful answer may carry, and what it is, for the error past it. */
export interface BodyLimit {
  readonly bytes: number;
  readonly what: string;
}

interface Exchange {
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly limit?: BodyLimit;
  /** takes a successful (2xx) body as it streams instead of buffering it; no deadline on the body, no retry once it has begun */
  readonly sink?: BodySink;
}

/** Consumes a response body as it streams in (a layer blob of any size). */
export type BodySink = (body: AsyncIterable<Buffer>) => Promise<void>;

const MAX_REDIRECTS = 5;
const MiB = 1024 * 1024;
/** an answer to `request()` (a transparency log entry) with no limit of its own */
const DEFAULT_BODY_BYTES = 16 * MiB;
/** token responses carry a JWT or two */
const TOKEN_BODY_BYTES = 1 * MiB;
/** error and redirect bodies are never needed whole: the rest is dropped, the status kept */
const UNSUCCESSFUL_BODY_BYTES = 64 * 1024;

/**
 * HTTP for registries: the token / Basic auth dance, redirects that never carry credentials to
 * another origin, retries with backoff, timeouts, and a bound on requests in flight.
 */
export class RegistryTransport {
  requestCount = 0;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly concurrency: number;
  private readonly limit: ConcurrencyLimit;
  /** created on the first request: loading undici costs a quarter second that offline scans never need */
  private dispatcher: Dispatcher | undefined;
  /** `origin scope` → Authorization header value */
  private readonly authorizations = new Map<string, Promise<string | undefined>>();

  constructor(private readonly options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.backoffMs = options.backoffMs ?? 200;
    this.concurrency = options.concurrency ?? 8;
    this.limit = new ConcurrencyLimit(this.concurrency);
    this.dispatcher = options.dispatcher;
  }

  private async client(): Promise<{ request: typeof import('undici').request; dispatcher: Dispatcher }> {
    keepWasmOnBaseline();
    const loaded = await import('undici');
    // bundled, the CommonJS package arrives as a default export
    const undici = typeof loaded.EnvHttpProxyAgent === 'function' ? loaded : (loaded as unknown as { default: typeof loaded }).default;
    // plain-HTTP targets go to an HTTP proxy in absolute form, as proxies expect; HTTPS is tunnelled
    // no more connections to one origin than requests in flight: each is kept alive and reused
    this.dispatcher ??= new undici.EnvHttpProxyAgent({ connections: this.concurrency, proxyTunnel: false });
    return { request: undici.request, dispatcher: this.dispatcher };
  }

  /**
   * A registry API call for `repository` on `host`; answers 401 with the auth the registry asks for.
   * Credentials go to `host` and to a token realm `host` itself named, never to a host that a
   * redirect led to: that host's 401 is an error, not a request for `host`'s credentials.
   */
  async call(host: string, url: string, method: 'GET' | 'HEAD', headers: Record<string, string>, repository: string, limit?: BodyLimit, sink?: BodySink): Promise<HttpAnswer> {
    const scope = `repository:${repository}:pull`;
    const key = `${new URL(url).origin} ${scope}`;
    const known = await this.authorizations.get(key)?.catch(() => undefined);
    const extra = { ...(limit ? { limit } : {}), ...(sink ? { sink } : {}) };
    let answer = await this.send({ method, url, headers: withAuthorization(headers, known), ...extra });
    if (answer.status !== 401) return answer;
    refuseRedirectedChallenge(host, url, answer);
    const challenges = parseChallenges(answer.headers['www-authenticate'] ?? '');
    // requests sent together all meet the 401: the first asks for a token, the rest wait for it
    let pending = this.authorizations.get(key);
    if (!pending || (await pending.catch(() => undefined)) === known) {
      pending = this.authorize(host, challenges, scope);
      this.authorizations.set(key, pending);
    }
    const authorization = await pending;
    if (authorization === undefined) {
      throw new ResolveError('unauthorized', `${host} requires credentials for ${repository} and none were found (docker login ${host})`);
    }
    answer = await this.send({ method, url, headers: withAuthorization(headers, authorization), ...extra });
    if (answer.status !== 401) return answer;
    refuseRedirectedChallenge(host, url, answer);
    throw new ResolveError('unauthorized', `${host} refused the credentials for ${repository}`);
  }

  /** A call to an API without registry auth (a Rekor search): redirects, retries, timeout and the bound on requests in flight. */
  async request(url: string, method: 'GET' | 'POST', headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    return this.send({ method, url, headers, ...(body !== undefined ? { body } : {}) });
  }

  private async authorize(host: string, challenges: Challenge[], defaultScope: string): Promise<string | undefined> {
    const credential = await this.options.credentials?.get(host);
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
    if (bearer) return this.fetchToken(host, bearer, defaultScope, credential);
    if (challenges.some((challenge) => challenge.scheme === 'basic') && credential?.kind === 'basic') {
      return basicHeader(credential);
    }
    return undefined;
  }

  private async fetchToken(host: string, challenge: Challenge, defaultScope: string, credential: Credential | undefined): Promise<string> {
    const realm = challenge.params['realm'];
    if (!realm) throw new ResolveError('registry-error', `${host} asked for a bearer token without naming a realm`);
    let tokenUrl: URL;
    try {
      tokenUrl = new URL(realm);
    } catch {
      throw new ResolveError('registry-error', `${host} named an invalid token realm`);
    }
    if (challenge.params['service']) tokenUrl.searchParams.set('service', challenge.params['service']);
    tokenUrl.searchParams.set('scope', challenge.params['scope'] ?? defaultScope);
    const headers: Record<string, string> = { accept: 'application/json' };
    // credentials go to the realm only over TLS or to the registry's own host
    const realmTrusted = tokenUrl.protocol === 'https:' || tokenUrl.host === host;
    if (credential?.kind === 'basic' && realmTrusted) headers['authorization'] = basicHeader(credential);
    if (credential?.kind === 'identity-token' && realmTrusted) {
      tokenUrl.searchParams.set('grant_type', 'refresh_token');
      tokenUrl.searchParams.set('refresh_token', credential.token);
      tokenUrl.searchParams.set('client_id', 'rampart');
    }
    const answer = await this.send({ method: 'GET', url: tokenUrl.href, headers, limit: { bytes: TOKEN_BODY_BYTES, what: `the token from ${tokenUrl.host} for ${host}` } });
    if (answer.status === 401 || answer.status === 403) {
      throw new ResolveError('unauthorized', `the token service of ${host} refused ${credential ? 'the stored credentials' : 'anonymous access'} (HTTP ${answer.status})`);
    }
    if (answer.status !== 200) throw new ResolveError('registry-error', `the token service of ${host} answered HTTP ${answer.status}`);
    let token: unknown;
    try {
      const parsed = JSON.parse(answer.body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = parsed.token ?? parsed.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') throw new ResolveError('registry-error', `the token service of ${host} returned no token`);
    return `Bearer ${token}`;
  }

  /** One logical request: redirects (credentials dropped off-origin), retries, timeout. */
  private async send(exchange: Exchange): Promise<HttpAnswer> {
    let current = exchange;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const answer = await this.withRetries(current);
      const location = answer.headers['location'];
      if (![301, 302, 303, 307, 308].includes(answer.status) || !location) return { ...answer, url: current.url };
      const from = new URL(current.url);
      let next: URL;
      try {
        next = new URL(location, current.url);
      } catch {
        throw new ResolveError('registry-error', `${from.host} redirected to an invalid URL; refused`);
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new ResolveError('registry-error', `${from.host} redirected to a ${next.protocol} URL, not HTTP(S); refused`);
      }
      if (from.protocol === 'https:' && next.protocol !== 'https:') {
        throw new ResolveError('registry-error', `${from.host} redirected to plain HTTP (${next.host}); refused`);
      }
      const headers = { ...current.headers };
      if (next.origin !== from.origin) delete headers['authorization'];
      current = { ...current, url: next.href, headers };
    }
    throw new ResolveError('registry-error', `too many redirects from ${new URL(exchange.url).host}`);
  }

  private async withRetries(exchange: Exchange): Promise<Omit<HttpAnswer, 'url'>> {
    for (let attempt = 0; ; attempt++) {
      let answer: Omit<HttpAnswer, 'url'> | undefined;
      let failure: ResolveError | undefined;
      try {
        answer = await this.limit.run(() => this.once(exchange));
      } catch (error) {
        failure = error instanceof ResolveError ? error : new ResolveError('unreachable', String(error), { transient: true });
      }
      const retryable = failure ? failure.transient : answer!.status === 429 || answer!.status >= 500;
      if (!retryable || attempt >= this.retries) {
        if (failure) throw failure;
        return answer!;
      }
      await sleep(backoffDelay(attempt, this.backoffMs, answer?.headers['retry-after']));
    }
  }

  private async once(exchange: Exchange): Promise<Omit<HttpAnswer, 'url'>> {
    this.requestCount += 1;
    const host = new URL(exchange.url).host;
    const controller = new AbortController();
    const signal = controller.signal;
    let timer: NodeJS.Timeout | undefined;
    // a deadline of our own as well: a proxy that never answers a CONNECT ignores undici's signal
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new ResolveError('timeout', `${host} did not answer within ${this.timeoutMs} ms`, { transient: true }));
      }, this.timeoutMs);
    });
    try {
      const exchangeDone = (async () => {
        const { request, dispatcher } = await this.client();
        const response = await request(exchange.url, {
          method: exchange.method,
          headers: { 'user-agent': 'rampart', ...exchange.headers },
          ...(exchange.body !== undefined ? { body: exchange.body } : {}),
          dispatcher,
          // undici closes the connection after every HEAD unless told otherwise (for servers that
          // answer HEAD with a body); registries do not, and a new TLS handshake per reference costs more
          reset: false,
          signal,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        if (exchange.sink && response.statusCode >= 200 && response.statusCode < 300) return { response, body: undefined };
        return { response, body: await readBody(response, exchange.limit ?? { bytes: DEFAULT_BODY_BYTES, what: `the answer of ${host}` }) };
      })();
      exchangeDone.catch(() => undefined);
      const { response, body: buffered } = await Promise.race([exchangeDone, deadline]);
      let body = buffered;
      if (body === undefined) {
        // a streamed body may take minutes: only undici's idle timeout between chunks applies
        clearTimeout(timer);
        try {
          await exchange.sink!(refuseSlowBody(response.body as AsyncIterable<Buffer>, host));
        } catch (error) {
          response.body.destroy();
          throw new ResolveError('registry-error', `reading from ${host} failed: ${(error as Error).message}`, { cause: error });
        }
        body = Buffer.alloc(0);
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers, body };
    } catch (error) {
      if (error instanceof ResolveError) throw error;
      const code = (error as { code?: string }).code ?? '';
      if (signal.aborted || /TIMEOUT/i.test(code)) {
        throw new ResolveError('timeout', `${host} did not answer within ${this.timeoutMs} ms`, { cause: error, transient: true });
      }
      if (/SSL|TLS|CERT/i.test(code)) {
        const hint = /WRONG_VERSION_NUMBER|PACKET_LENGTH/i.test(code) ? ' (a plain-HTTP registry? allow it with --insecure-registry HOST[:PORT])' : '';
        throw new ResolveError('unreachable', `TLS with ${host} failed: ${code}${hint}`, { cause: error });
      }
      const transient = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CLOSED/i.test(code);
      throw new ResolveError('unreachable', `cannot reach ${host}: ${code || (error as Error).message}`, { cause: error, transient });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher?.close();
  }
}

/** A 401 from another origin than the request's came after a redirect: `host`'s credentials are not for it. */
function refuseRedirectedChallenge(host: string, url: string, answer: HttpAnswer): void {
  const asked = new URL(answer.url);
  if (asked.origin === new URL(url).origin) return;
  throw new ResolveError('unauthorized', `${host} redirected to ${asked.host}, which asks for credentials; the credentials of ${host} are not sent to another host`);
}

/**
 * Reads a response body as it streams in, stopping past a limit instead of buffering whatever a
 * registry sends: a successful answer over the limit is an error naming what it was; the body of
 * an error or a redirect is cut short (only its status matters).
 */
async function readBody(response: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: AsyncIterable<Buffer> & { destroy(): unknown } }, limit: BodyLimit): Promise<Buffer> {
  const successful = response.statusCode >= 200 && response.statusCode < 300;
  const cap = successful ? limit.bytes : UNSUCCESSFUL_BODY_BYTES;
  const tooLarge = (): ResolveError =>
    new ResolveError('too-large', `${limit.what} is larger than ${formatBytes(limit.bytes)}; refused (no registry serves one that large)`);
  const declared = Number(response.headers['content-length']);
  if (successful && Number.isFinite(declared) && declared > cap) {
    response.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > cap) {
      response.body.destroy();
      if (successful) throw tooLarge();
      chunks.push(chunk.subarray(0, cap - (size - chunk.length)));
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function formatBytes(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function withAuthorization(headers: Record<string, string>, authorization: string | undefined): Record<string, string> {
  return authorization ? { ...headers, authorization } : headers;
}

function basicHeader(credential: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}
