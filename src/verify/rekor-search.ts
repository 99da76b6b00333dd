import { ResolveError } from '../resolve/errors.js';
import { RegistryTransport, type TransportOptions } from '../resolve/transport.js';
import { readRekorApiEntry, type RekorApiEntry } from './rekor-api-entry.js';
import { checkRekorUrl } from './rekor-url.js';

export { checkRekorUrl, RekorUrlError } from './rekor-url.js';

/** Rekor could not be asked: unreachable, too slow, an HTTP error or an answer that is not Rekor's. */
export class RekorUnavailableError extends Error {}

/** Entry UUIDs: 64 hex digits, or 80 with the 16-digit tree id of a sharded log in front. */
const ENTRY_UUID = /^(?:[0-9a-f]{16})?[0-9a-f]{64}$/;

/**
 * The two Rekor v1 API calls an online gitsign lookup needs, over the project's HTTP transport
 * (proxies from the environment, timeouts, retries, at most 8 requests in flight). Answers are
 * cached for the run; after a network failure later lookups fail at once instead of each waiting.
 */
export class RekorSearch {
  readonly baseUrl: string;
  private readonly transport: RegistryTransport;
  private readonly searches = new Map<string, Promise<string[]>>();
  private readonly entries = new Map<string, Promise<RekorApiEntry>>();
  private outage: string | undefined;

  constructor(baseUrl: string, options: TransportOptions = {}) {
    this.baseUrl = checkRekorUrl(baseUrl).replace(/\/+$/, '');
    this.transport = new RegistryTransport(options);
  }

  /** `POST /api/v1/index/retrieve {"hash":"sha256:<hex>"}`: the UUIDs of entries whose artifact has this SHA-256. */
  uuidsForDigest(sha256Hex: string): Promise<string[]> {
    let search = this.searches.get(sha256Hex);
    if (!search) {
      search = this.call('POST', '/api/v1/index/retrieve', JSON.stringify({ hash: `sha256:${sha256Hex}` })).then((json) => {
        if (!Array.isArray(json)) throw new RekorUnavailableError(`${this.baseUrl} answered the index search with something other than a list of UUIDs`);
        return json.filter((uuid): uuid is string => typeof uuid === 'string' && ENTRY_UUID.test(uuid.toLowerCase())).map((uuid) => uuid.toLowerCase());
      });
      this.searches.set(sha256Hex, search);
    }
    return search;
  }

  /** `GET /api/v1/log/entries/{uuid}` */
  entry(uuid: string): Promise<RekorApiEntry> {
    let entry = this.entries.get(uuid);
    if (!entry) {
      entry = this.call('GET', `/api/v1/log/entries/${uuid}`).then((json) => {
        try {
          return readRekorApiEntry(json, uuid);
        } catch (error) {
          throw new RekorUnavailableError(`${this.baseUrl}: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
      this.entries.set(uuid, entry);
    }
    return entry;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async call(method: 'GET' | 'POST', path: string, body?: string): Promise<unknown> {
    if (this.outage) throw new RekorUnavailableError(this.outage);
    const headers: Record<string, string> = { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
    let answer;
    try {
      answer = await this.transport.request(`${this.baseUrl}${path}`, method, headers, body);
    } catch (error) {
      if (!(error instanceof ResolveError)) throw error;
      this.outage ??= `Rekor at ${this.baseUrl} is unreachable: ${error.message}`;
      throw new RekorUnavailableError(this.outage);
    }
    if (answer.status !== 200) throw new RekorUnavailableError(`Rekor at ${this.baseUrl} answered HTTP ${answer.status} to ${method} ${path}`);
    try {
      return JSON.parse(answer.body.toString('utf8')) as unknown;
    } catch {
      throw new RekorUnavailableError(`Rekor at ${this.baseUrl} answered ${method} ${path} with something other than JSON`);
    }
  }
}

/** `--rekor-url` must be an http(s) URL without credentials, query or fragment; returns it unchanged. */
