import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

export type Credential =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** an OAuth2 refresh token (`identitytoken`, or a helper answering Username `<token>`) */
  | { readonly kind: 'identity-token'; readonly token: string };

export interface CredentialSource {
  /** credentials for a registry host (`ghcr.io`, `127.0.0.1:5000`, `docker.io`), if any */
  get(host: string): Promise<Credential | undefined>;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

const DOCKER_HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/**
 * Credentials the way the docker CLI finds them: `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`), `credHelpers[host]` first, then `auths`, then `credsStore`.
 * Helpers run as `docker-credential-<name> get` with the host on standard input.
 */
export class DockerConfigCredentials implements CredentialSource {
  private config: Promise<DockerConfig> | undefined;
  private readonly answers = new Map<string, Promise<Credential | undefined>>();

  constructor(private readonly configPath: string = defaultDockerConfigPath()) {}

  get(host: string): Promise<Credential | undefined> {
    let answer = this.answers.get(host);
    if (!answer) {
      answer = this.lookUp(host);
      this.answers.set(host, answer);
    }
    return answer;
  }

  private async lookUp(host: string): Promise<Credential | undefined> {
    this.config ??= readDockerConfig(this.configPath);
    const config = await this.config;
    const keys = host === 'docker.io' ? DOCKER_HUB_KEYS : [host];
    for (const key of keys) {
      const helper = config.credHelpers?.[key];
      if (helper) return runHelper(helper, key);
    }
    for (const [key, entry] of Object.entries(config.auths ?? {})) {
      if (!keys.includes(hostOfConfigKey(key))) continue;
      const credential = fromAuthEntry(entry);
      if (credential) return credential;
    }
    if (config.credsStore) return runHelper(config.credsStore, host === 'docker.io' ? 'https://index.docker.io/v1/' : host);
    return undefined;
  }
}

export function defaultDockerConfigPath(): string {
  const directory = process.env['DOCKER_CONFIG'] ?? path.join(homedir(), '.docker');
  return path.join(directory, 'config.json');
}

async function readDockerConfig(file: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as DockerConfig) : {};
  } catch {
    process.stderr.write(`rampart: ignoring ${file}: it is not valid JSON\n`);
    return {};
  }
}

/** `https://index.docker.io/v1/` → `index.docker.io`; `ghcr.io` stays. */
function hostOfConfigKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z]+:\/\//i, '');
  return withoutScheme.split('/')[0] ?? '';
}

function fromAuthEntry(entry: NonNullable<DockerConfig['auths']>[string]): Credential | undefined {
  if (entry.identitytoken) return { kind: 'identity-token', token: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { kind: 'basic', username: entry.username, password: entry.password };
  return undefined;
}

function runHelper(name: string, serverUrl: string): Promise<Credential | undefined> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${name}`, ['get'], { timeout: 10_000 }, (error, stdout) => {
      if (error) {
        resolve(undefined); // not found in the store, or the helper is missing: anonymous access
        return;
      }
      try {
        const answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!answer.Secret) resolve(undefined);
        else if (answer.Username === '<token>') resolve({ kind: 'identity-token', token: answer.Secret });
        else resolve({ kind: 'basic', username: answer.Username ?? '', password: answer.Secret });
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(serverUrl);
  });
}
