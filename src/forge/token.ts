import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { ForgeTarget } from './target.js';
import { isRecord } from '../is-record.js';

export interface ForgeToken {
  readonly value: string;
  /** where it came from, for messages: `GITHUB_TOKEN`, `gh config (hosts.yml)` */
  readonly source: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The token for a forge host. GitHub: `GH_TOKEN`/`GITHUB_TOKEN` for github.com (and for the host
 * `GITHUB_API_URL` names, as in Actions on GHES), `GH_ENTERPRISE_TOKEN`/`GITHUB_ENTERPRISE_TOKEN`
 * for other hosts, then the `gh` CLI's hosts.yml. GitLab: `GITLAB_TOKEN`. A github.com token is
 * never sent to another host unless the environment says that host is its API.
 */
export async function findToken(target: ForgeTarget, env: Environment = process.env): Promise<ForgeToken | undefined> {
  if (target.kind === 'gitlab') return fromEnv(env, ['GITLAB_TOKEN']);
  const dotcom = target.host.toLowerCase() === 'github.com';
  const actionsHost = hostOf(env['GITHUB_API_URL']) === hostOf(target.apiBase);
  const names = dotcom || actionsHost ? ['GH_TOKEN', 'GITHUB_TOKEN'] : ['GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN'];
  return fromEnv(env, names) ?? await fromGhHosts(target.host, env);
}

function fromEnv(env: Environment, names: readonly string[]): ForgeToken | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { value, source: name };
  }
  return undefined;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * `gh` keeps `oauth_token` per host in hosts.yml (`$GH_CONFIG_DIR`, else `$XDG_CONFIG_HOME/gh`,
 * else `~/.config/gh`); newer versions nest it under `users.<login>` for the active `user`, or keep
 * it in the system keyring, which Rampart does not read.
 */
async function fromGhHosts(host: string, env: Environment): Promise<ForgeToken | undefined> {
  const directory = env['GH_CONFIG_DIR'] ?? path.join(env['XDG_CONFIG_HOME'] ?? path.join(env['HOME'] ?? homedir(), '.config'), 'gh');
  const file = path.join(directory, 'hosts.yml');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let hosts: unknown;
  try {
    hosts = parse(text);
  } catch {
    return undefined;
  }
  const entry = record(record(hosts)?.[host.toLowerCase()] ?? record(hosts)?.[host]);
  if (!entry) return undefined;
  const direct = entry['oauth_token'];
  if (typeof direct === 'string' && direct !== '') return { value: direct, source: `${file} (${host})` };
  const user = entry['user'];
  const nested = typeof user === 'string' ? record(record(entry['users'])?.[user])?.['oauth_token'] : undefined;
  return typeof nested === 'string' && nested !== '' ? { value: nested, source: `${file} (${host}, ${String(user)})` } : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}
