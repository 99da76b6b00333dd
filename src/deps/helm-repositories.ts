import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { BasicAuth } from './http.js';

export interface HelmRepositoryEntry {
  readonly name: string;
  readonly url: string;
  readonly auth?: BasicAuth;
}

/**
 * Helm's own `repositories.yaml` (what `helm repo add` writes: name, url, username, password),
 * for basic auth to chart repositories and for `@name` / `alias:name` dependency repositories.
 */
export class HelmRepositories {
  constructor(readonly entries: readonly HelmRepositoryEntry[] = []) {}

  static async load(file: string): Promise<HelmRepositories> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new Error(`${file}: cannot read the Helm repositories file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    let parsed: unknown;
    try {
      parsed = parse(text);
    } catch {
      throw new Error(`${file}: not valid YAML; expected Helm's repositories.yaml (repositories: [{name, url, username, password}])`);
    }
    const list = (parsed as { repositories?: unknown } | null)?.repositories;
    if (!Array.isArray(list)) throw new Error(`${file}: no \`repositories\` list; expected Helm's repositories.yaml`);
    const entries: HelmRepositoryEntry[] = [];
    for (const item of list as unknown[]) {
      const record = item as { name?: unknown; url?: unknown; username?: unknown; password?: unknown } | null;
      if (typeof record?.url !== 'string') continue;
      const auth = typeof record.username === 'string' && record.username !== '' && typeof record.password === 'string'
        ? { username: record.username, password: record.password } : undefined;
      entries.push({ name: typeof record.name === 'string' ? record.name : '', url: record.url.replace(/\/+$/, ''), ...(auth ? { auth } : {}) });
    }
    return new HelmRepositories(entries);
  }

  aliases(): Map<string, string> {
    return new Map(this.entries.filter((entry) => entry.name !== '').map((entry) => [entry.name, entry.url]));
  }

  /** Credentials for `url`: those of the repository whose URL it starts with, on the same origin. */
  authFor(url: string): BasicAuth | undefined {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return undefined;
    }
    const match = this.entries
      .filter((entry) => entry.auth && (url === entry.url || url.startsWith(`${entry.url}/`)) && sameOrigin(entry.url, origin))
      .sort((a, b) => b.url.length - a.url.length)[0];
    return match?.auth ?? this.entries.find((entry) => entry.auth && sameOrigin(entry.url, origin))?.auth;
  }
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}
