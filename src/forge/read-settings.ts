import { refusalMessage, type Needs } from './denied.js';
import { ForgeRequestError, type ForgeAnswer, type ForgeHttp } from './http.js';
import type { Unchecked } from './snapshot.js';
import type { ForgeTarget } from './target.js';
import { isRecord } from '../is-record.js';

/** Reads settings for one snapshot, keeping what could not be read (and why) as it goes. */
export class SettingsReader {
  readonly unchecked: Unchecked[] = [];

  constructor(readonly target: ForgeTarget, readonly http: ForgeHttp, readonly tokenSource: string | undefined) {}

  api(path: string): string {
    return `${this.target.apiBase}${path}`;
  }

  /**
   * A GET whose answer the caller reads; undefined (and the setting noted as unchecked) when it
   * failed. `accept` lists the statuses that are answers (404 "Branch not protected" is one).
   */
  async read(path: string, what: string, page: string, needs: Needs, accept: readonly number[] = [200]): Promise<ForgeAnswer | undefined> {
    try {
      const answer = await this.http.get(this.api(path));
      if (accept.includes(answer.status)) return answer;
      this.refused(answer, what, page, needs);
    } catch (error) {
      this.failed(error, what, page);
    }
    return undefined;
  }

  /** Every item of a list; undefined (noted) when any page failed. */
  async list(path: string, what: string, page: string, needs: Needs): Promise<unknown[] | undefined> {
    try {
      const { items, answer } = await this.http.getAll(this.api(path));
      if (answer.status === 200) return items;
      this.refused(answer, what, page, needs);
    } catch (error) {
      this.failed(error, what, page);
    }
    return undefined;
  }

  note(url: string, what: string, reason: string): void {
    this.unchecked.push({ url, what, reason });
  }

  refused(answer: ForgeAnswer, what: string, page: string, needs: Needs): void {
    this.note(page, what, refusalMessage(this.target.kind, answer, needs, this.tokenSource));
  }

  private failed(error: unknown, what: string, page: string): void {
    if (!(error instanceof ForgeRequestError)) throw error;
    this.note(page, what, error.message);
  }
}

export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function messageOf(answer: ForgeAnswer | undefined): string {
  return asString(asRecord(answer?.body)['message']) ?? '';
}
