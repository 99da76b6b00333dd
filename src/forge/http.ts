import { append } from '../append.js';
import type { Dispatcher } from 'undici';
import { keepWasmOnBaseline } from '../wasm-baseline.js';
import { sleep } from '../resolve/limit.js';
import type { ForgeKind } from './target.js';

/** An answer of the forge's REST API: the status, lower-cased headers and the parsed JSON body. */
export interface ForgeAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly url: string;
}

/** A request the forge refused or could not answer: the setting it was for stays unchecked. */
export class ForgeRequestError extends Error {
  constructor(message: string, readonly status: number | undefined, readonly answer?: ForgeAnswer) {
    super(message);
    this.name = 'ForgeRequestError';
  }
}

export interface ForgeHttpOptions {
  readonly kind: ForgeKind;
  readonly token?: string;
  readonly dispatcher?: Dispatcher;
  /** per request (default 20 s) */
  readonly timeoutMs?: number;
  /** the longest Rampart waits for one rate limit to reset before giving up on the request (default 60 s) */
  readonly maxRateLimitWaitMs?: number;
  /** all rate-limit waits of a run together (default 5 min) */
  readonly totalRateLimitWaitMs?: number;
  /** pages followed for one list (default 50) */
  readonly maxPages?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const MAX_REDIRECTS = 3;
const MAX_RATE_LIMIT_RETRIES = 3;
/** GitHub asks for at least a minute after a secondary rate limit that names no time */
const SECONDARY_DEFAULT_WAIT_MS = 60_000;

/**
 * GET-only REST client for GitHub and GitLab: JSON, pagination (Link, X-Next-Page), rate limits
 * (Retry-After, X-RateLimit-Reset / RateLimit-Reset, GitHub's secondary limits) waited out
 * within bounds, same-origin redirects only (the token never leaves the API's origin).
 */
export class ForgeHttp {
  private rateLimitWaitedMs = 0;
  private dispatcher: Dispatcher | undefined;
  private ownsDispatcher = false;
  readonly requests: string[] = [];

  constructor(private readonly options: ForgeHttpOptions) {
    this.dispatcher = options.dispatcher;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher?.close();
  }

  /** One GET; any status is returned, except rate limits, which are waited out or thrown. */
  async get(url: string): Promise<ForgeAnswer> {
    let current = url;
    for (let redirects = 0, retries = 0; ;) {
      const answer = await this.exchange(current);
      if ([301, 302, 307, 308].includes(answer.status) && answer.headers['location'] && redirects < MAX_REDIRECTS) {
        const next = new URL(answer.headers['location'], current);
        if (next.origin !== new URL(url).origin) throw new ForgeRequestError(`${current} redirected to another origin (${next.origin}); not followed with the token`, answer.status, answer);
        current = next.toString();
        redirects += 1;
        continue;
      }
      const wait = this.rateLimitWait(answer);
      if (wait === undefined) return answer;
      const budget = (this.options.totalRateLimitWaitMs ?? 300_000) - this.rateLimitWaitedMs;
      if (retries >= MAX_RATE_LIMIT_RETRIES || wait > (this.options.maxRateLimitWaitMs ?? 60_000) || wait > budget) {
        throw new ForgeRequestError(`rate limited by ${new URL(url).host}: ${wait >= 0 ? `the limit resets in ${Math.ceil(wait / 1000)} s, longer than Rampart waits` : 'gave up after retries'}`, answer.status, answer);
      }
      this.rateLimitWaitedMs += wait;
      retries += 1;
      await (this.options.sleep ?? sleep)(wait);
    }
  }

  /** Every item of a paginated list (Link rel="next", or GitLab's X-Next-Page), up to `maxPages` pages. */
  async getAll(url: string): Promise<{ items: unknown[]; answer: ForgeAnswer }> {
    const items: unknown[] = [];
    let next: string | undefined = withPerPage(url);
    let first: ForgeAnswer | undefined;
    for (let page = 0; next !== undefined && page < (this.options.maxPages ?? 50); page += 1) {
      const answer = await this.get(next);
      first ??= answer;
      if (answer.status !== 200) return { items, answer };
      if (!Array.isArray(answer.body)) throw new ForgeRequestError(`${next} did not answer with a list`, answer.status, answer);
      append(items, answer.body);
      next = nextPage(answer, next);
    }
    return { items, answer: first! };
  }

  private async exchange(url: string): Promise<ForgeAnswer> {
    const { request, dispatcher } = await this.client();
    this.requests.push(url);
    const headers: Record<string, string> = { 'user-agent': 'rampart', accept: 'application/json' };
    if (this.options.kind === 'github') {
      headers['accept'] = 'application/vnd.github+json';
      headers['x-github-api-version'] = '2022-11-28';
      if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    } else if (this.options.token) {
      headers['private-token'] = this.options.token;
    }
    const timeout = this.options.timeoutMs ?? 20_000;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, { method: 'GET', headers, dispatcher, headersTimeout: timeout, bodyTimeout: timeout, signal: AbortSignal.timeout(timeout * 2) });
    } catch (error) {
      throw new ForgeRequestError(`cannot reach ${new URL(url).host}: ${describeNetworkError(error)}`, undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        response.body.destroy();
        throw new ForgeRequestError(`${url} answered with more than ${MAX_BODY_BYTES / 1024 / 1024} MiB`, response.statusCode);
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status: response.statusCode, headers: flat, body: parseJson(text), url };
  }

  /** Milliseconds to wait before asking again, when the answer is a rate limit; otherwise undefined. */
  private rateLimitWait(answer: ForgeAnswer): number | undefined {
    if (answer.status !== 429 && answer.status !== 403) return undefined;
    const retryAfter = Number(answer.headers['retry-after']);
    const remaining = answer.headers['x-ratelimit-remaining'] ?? answer.headers['ratelimit-remaining'];
    const message = typeof (answer.body as { message?: unknown } | undefined)?.message === 'string' ? (answer.body as { message: string }).message : '';
    const secondary = /secondary rate limit|abuse detection/i.test(message);
    if (answer.status === 403 && remaining !== '0' && !secondary && answer.headers['retry-after'] === undefined) return undefined;
    if (Number.isFinite(retryAfter) && answer.headers['retry-after'] !== undefined) return Math.max(0, retryAfter * 1000);
    const reset = Number(answer.headers['x-ratelimit-reset'] ?? answer.headers['ratelimit-reset']);
    if (remaining === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 - Date.now()) + 1000;
    return secondary ? SECONDARY_DEFAULT_WAIT_MS : 1000;
  }

  private async client(): Promise<{ request: typeof import('undici').request; dispatcher: Dispatcher }> {
    keepWasmOnBaseline();
    const loaded = await import('undici');
    const undici = typeof loaded.request === 'function' ? loaded : (loaded as unknown as { default: typeof loaded }).default;
    if (!this.dispatcher) {
      this.dispatcher = new undici.EnvHttpProxyAgent({ connections: 4 });
      this.ownsDispatcher = true;
    }
    return { request: undici.request, dispatcher: this.dispatcher };
  }
}

function withPerPage(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('per_page')) parsed.searchParams.set('per_page', '100');
  return parsed.toString();
}

/** The next page: Link rel="next" (both forges), else GitLab's X-Next-Page on the same URL. */
export function nextPage(answer: ForgeAnswer, current: string): string | undefined {
  const link = answer.headers['link'];
  if (link) {
    for (const part of link.split(',')) {
      const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
      if (match?.[1]) {
        const next = new URL(match[1], current);
        // a Link to another origin is not followed: the token would go with it
        return next.origin === new URL(current).origin ? next.toString() : undefined;
      }
    }
    return undefined;
  }
  const page = answer.headers['x-next-page'];
  if (page && /^\d+$/.test(page)) {
    const next = new URL(current);
    next.searchParams.set('page', page);
    return next.toString();
  }
  return undefined;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = (error as { code?: string } | undefined)?.code ?? cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}${message && !message.includes(code) ? ` (${message})` : ''}` : message;
}
