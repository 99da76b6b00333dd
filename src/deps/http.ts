import { setTimeout as sleep } from 'node:timers/promises';
import { keepWasmOnBaseline } from '../wasm-baseline.js';

export interface HttpOptions {
  readonly timeoutMs: number;
  /** attempts after the first, for network errors, 429 and 5xx */
  readonly retries: number;
}

export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export interface BasicAuth {
  readonly username: string;
  readonly password: string;
}

/**
 * GET `url` into memory, at most `maxBytes`, with a timeout per attempt and retries with backoff.
 * Basic auth is sent only to the origin it was given for (redirects elsewhere go without it).
 */
export async function httpGet(url: string, options: HttpOptions, maxBytes: number, auth?: BasicAuth): Promise<Buffer> {
  return withRetries(options, () => getOnce(url, options.timeoutMs, maxBytes, auth));
}

/** GET `url` for one response header (the Terraform registry's `X-Terraform-Get`, sent with 204 or 200). */
export async function httpGetHeader(url: string, options: HttpOptions, header: string): Promise<string | undefined> {
  return withRetries(options, async () => {
    const response = await send(url, options.timeoutMs);
    await response.body?.cancel().catch(() => undefined);
    if (response.status !== 200 && response.status !== 204) throw statusError(url, response.status);
    return response.headers.get(header) ?? undefined;
  });
}

async function withRetries<T>(options: HttpOptions, attempt: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let count = 0; count <= options.retries; count += 1) {
    if (count > 0) await sleep(Math.min(200 * 2 ** count, 2_000));
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
      if (error instanceof FetchError && error.status !== undefined && error.status !== 429 && error.status < 500) throw error;
      if (error instanceof FetchError && error.status === undefined && /over the limit/.test(error.message)) throw error;
    }
  }
  throw lastError instanceof Error ? lastError : new FetchError(String(lastError));
}

async function send(url: string, timeoutMs: number, auth?: BasicAuth): Promise<Response> {
  const headers: Record<string, string> = { 'user-agent': 'rampart' };
  if (auth) headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  try {
    keepWasmOnBaseline();
    return await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : causeOf(error);
    throw new FetchError(`GET ${displayUrl(url)} failed: ${reason}`);
  }
}

function statusError(url: string, status: number): FetchError {
  const hint = status === 401 || status === 403 ? ' (credentials missing or refused; see --helm-repositories)' : '';
  return new FetchError(`GET ${displayUrl(url)} answered HTTP ${status}${hint}`, status);
}

async function getOnce(url: string, timeoutMs: number, maxBytes: number, auth?: BasicAuth): Promise<Buffer> {
  const shown = displayUrl(url);
  const response = await send(url, timeoutMs, auth);
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw statusError(url, response.status);
  }
  const declared = Number(response.headers.get('content-length') ?? '-1');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new FetchError(`GET ${shown}: ${declared} bytes is over the limit of ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > maxBytes) throw new FetchError(`GET ${shown}: the body is over the limit of ${maxBytes} bytes`);
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw new FetchError(`GET ${shown} failed while reading: ${causeOf(error)}`);
  }
  return Buffer.concat(chunks);
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
}

/** A URL without any user:password part, for messages. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//');
}
