import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageReference, type ImageReference } from '../src/model/image-ref.js';
import { DockerConfigCredentials } from '../src/resolve/credentials.js';
import { checkInsecureRegistry, isInsecure, registryBaseUrl } from '../src/resolve/endpoint.js';
import { displayUrl, GitRefResolver } from '../src/resolve/git-refs.js';
import { backoffDelay, ConcurrencyLimit } from '../src/resolve/limit.js';
import { SnapshotRegistryClient } from '../src/resolve/static-client.js';
import { parseChallenges } from '../src/resolve/www-authenticate.js';

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.reference;
}

describe('WWW-Authenticate', () => {
  it('reads Bearer parameters, quoted commas included, and several challenges', () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull,push' } },
    ]);
    expect(parseChallenges('Basic realm="Registry Realm", Bearer realm=https://x/token')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
      { scheme: 'bearer', params: { realm: 'https://x/token' } },
    ]);
    expect(parseChallenges('')).toEqual([]);
  });
});

describe('endpoints', () => {
  it('uses HTTPS except for hosts named insecure, port-exact when a port is given', () => {
    expect(registryBaseUrl('docker.io', [])).toBe('https://registry-1.docker.io');
    expect(registryBaseUrl('localhost:5000', ['localhost:5000'])).toBe('http://localhost:5000');
    expect(isInsecure('localhost:5001', ['localhost:5000'])).toBe(false);
    expect(isInsecure('localhost:5001', ['localhost'])).toBe(true);
    expect(isInsecure('registry.example', ['http://registry.example/'])).toBe(true);
    expect(checkInsecureRegistry('10.0.0.1:5000')).toBeUndefined();
    expect(checkInsecureRegistry('host/path')).toMatch(/HOST or HOST:PORT/);
  });
});

describe('docker config credentials', () => {
  it('reads auths (auth, username/password, identitytoken), Docker Hub keys included', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'rampart-docker-config-'));
    try {
      const file = path.join(directory, 'config.json');
      await writeFile(file, JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:pass:with:colons').toString('base64') },
          'ghcr.io': { username: 'me', password: 'pat' },
          'https://quay.io': { identitytoken: 'refresh' },
        },
      }));
      const credentials = new DockerConfigCredentials(file);
      expect(await credentials.get('docker.io')).toEqual({ kind: 'basic', username: 'hub', password: 'pass:with:colons' });
      expect(await credentials.get('ghcr.io')).toEqual({ kind: 'basic', username: 'me', password: 'pat' });
      expect(await credentials.get('quay.io')).toEqual({ kind: 'identity-token', token: 'refresh' });
      expect(await credentials.get('other.io')).toBeUndefined();
      expect(await new DockerConfigCredentials(path.join(directory, 'missing.json')).get('ghcr.io')).toBeUndefined();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('retries and limits', () => {
  it('backs off exponentially, capped, and obeys Retry-After', () => {
    expect(backoffDelay(0, 100)).toBeGreaterThanOrEqual(100);
    expect(backoffDelay(0, 100)).toBeLessThan(200);
    expect(backoffDelay(3, 100)).toBeGreaterThanOrEqual(800);
    expect(backoffDelay(30, 100)).toBe(30_000);
    expect(backoffDelay(0, 100, '2')).toBe(2000);
  });

  it('runs no more than the limit at once', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    await Promise.all(Array.from({ length: 6 }, () => limit.run(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    })));
    expect(most).toBe(2);
  });
});

describe('registry snapshot client', () => {
  it('serves tags, digests and index children, and nothing else', async () => {
    const digest = `sha256:${'1'.repeat(64)}`;
    const child = `sha256:${'2'.repeat(64)}`;
    const client = new SnapshotRegistryClient({ 'nginx:1.27': { digest, manifests: [child] }, 'ghcr.io/a/b:gone': null });
    expect((await client.resolve(ref('docker.io/library/nginx:1.27'))).digest).toBe(digest);
    expect((await client.resolve(ref(`nginx@${child}`))).digest).toBe(child);
    await expect(client.resolve(ref('ghcr.io/a/b:gone'))).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.resolve(ref('nginx:1.28'))).rejects.toMatchObject({ code: 'not-found' });
    expect(() => SnapshotRegistryClient.fromJson('[1]', 'registry.json')).toThrow(/registry.json/);
  });
});

describe('git ls-remote resolver', () => {
  it('resolves branches, lightweight and annotated tags (peeled) to commits, once per remote', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'rampart-git-'));
    const git = (...args: string[]): string => execFileSync('git', args, {
      cwd: directory,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
    }).trim();
    try {
      git('init', '-q', '-b', 'main');
      git('commit', '-q', '--allow-empty', '-m', 'one');
      const first = git('rev-parse', 'HEAD');
      git('tag', '-a', 'v1.0.0', '-m', 'annotated');
      git('tag', 'light');
      git('commit', '-q', '--allow-empty', '-m', 'two');
      const second = git('rev-parse', 'HEAD');
      const resolver = new GitRefResolver();
      expect(await resolver.resolve(directory, 'v1.0.0')).toBe(first);
      expect(await resolver.resolve(directory, 'light')).toBe(first);
      expect(await resolver.resolve(directory, 'main')).toBe(second);
      expect(await resolver.resolve(directory, 'HEAD')).toBe(second);
      expect(await resolver.resolve(directory, first)).toBe(first);
      await expect(resolver.resolve(directory, 'v9')).rejects.toMatchObject({ code: 'not-found' });
      await expect(resolver.resolve(path.join(directory, 'absent'), 'main')).rejects.toMatchObject({ code: 'git-failed' });
      const secretUrl = 'https://robot:hunter2@127.0.0.1:1/org/repo.git';
      const error = await resolver.resolve(secretUrl, 'main').catch((caught: unknown) => caught as Error);
      expect(String(error)).not.toContain('hunter2');
      expect(displayUrl(secretUrl)).toBe('https://127.0.0.1:1/org/repo.git');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
