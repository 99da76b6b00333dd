import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerConfigCredentials } from '../src/resolve/credentials.js';
import type { RegistryClientOptions } from '../src/resolve/registry-client.js';
import { failure, ref, useResolveFixture } from './helpers/resolve-fixture.js';
import { forward, startServer, startTokenRegistry, type TestServer } from './helpers/http-servers.js';

const fixture = useResolveFixture();
const client = (host: string, options?: RegistryClientOptions) => fixture.client(host, options);

describe('fixture.registry client authentication', () => {
  let tokenFront: TestServer & { tokensIssued: string[] };
  beforeAll(async () => {
    tokenFront = await startTokenRegistry(fixture.registry);
  });
  afterAll(async () => tokenFront?.close());

  it('follows the anonymous Bearer token flow (realm, service, scope) and reuses the token', async () => {
    const registryClient = client(tokenFront.host);
    const [first, second] = await Promise.all(['v1', 'multi', 'v1-arm64'].map((tag) => registryClient.resolve(ref(`${tokenFront.host}/team/app:${tag}`))));
    expect(first?.digest).toBe(fixture.single.digest);
    expect(second?.digest).toBe(fixture.index.digest);
    expect(tokenFront.tokensIssued).toEqual(['repository:team/app:pull']);
    const tokenRequest = tokenFront.requests.find((request) => request.url.startsWith('/token'));
    expect(tokenRequest?.url).toContain('service=test-registry');
    expect(tokenRequest?.authorization).toBeUndefined();
  });

  it('sends docker config credentials to the token service and refuses without them', async () => {
    const guarded = await startTokenRegistry(fixture.registry, { username: 'robot', password: 's3cret' });
    try {
      const configPath = path.join(fixture.scratch, 'config.json');
      const auth = Buffer.from('robot:s3cret').toString('base64');
      await writeFile(configPath, JSON.stringify({ auths: { [guarded.host]: { auth } } }));
      const withCredentials = client(guarded.host, { credentials: new DockerConfigCredentials(configPath) });
      expect((await withCredentials.resolve(ref(`${guarded.host}/team/app:v1`))).digest).toBe(fixture.single.digest);
      const anonymous = client(guarded.host);
      const error = await failure(anonymous.resolve(ref(`${guarded.host}/team/app:v1`)));
      expect(error.code).toBe('unauthorized');
      expect(error.message).not.toContain('s3cret');
    } finally {
      await guarded.close();
    }
  });

  it('asks a credHelpers helper (docker-credential-<name>) and a credsStore for credentials', async () => {
    const binDirectory = path.join(fixture.scratch, 'bin');
    await rm(binDirectory, { recursive: true, force: true });
    await mkdir(binDirectory);
    const helper = path.join(binDirectory, 'docker-credential-rampart-test');
    await writeFile(helper, '#!/bin/sh\nread host\necho "{\\"ServerURL\\":\\"$host\\",\\"Username\\":\\"robot\\",\\"Secret\\":\\"from-helper\\"}"\n');
    await chmod(helper, 0o755);
    const previousPath = process.env['PATH'];
    process.env['PATH'] = `${binDirectory}:${previousPath ?? ''}`;
    try {
      const helperConfig = path.join(fixture.scratch, 'helper-config.json');
      await writeFile(helperConfig, JSON.stringify({ credHelpers: { 'fixture.registry.example': 'rampart-test' } }));
      expect(await new DockerConfigCredentials(helperConfig).get('fixture.registry.example')).toEqual({ kind: 'basic', username: 'robot', password: 'from-helper' });
      expect(await new DockerConfigCredentials(helperConfig).get('other.example')).toBeUndefined();
      const storeConfig = path.join(fixture.scratch, 'store-config.json');
      await writeFile(storeConfig, JSON.stringify({ credsStore: 'rampart-test' }));
      expect(await new DockerConfigCredentials(storeConfig).get('any.example')).toMatchObject({ password: 'from-helper' });
    } finally {
      process.env['PATH'] = previousPath;
    }
  });

  it('uses Basic credentials when the fixture.registry asks for Basic', async () => {
    const expected = `Basic ${Buffer.from('robot:pw').toString('base64')}`;
    const basic = await startServer(async (request, response) => {
      if (request.headers.authorization !== expected) {
        response.statusCode = 401;
        response.setHeader('www-authenticate', 'Basic realm="registry"');
        response.end();
        return;
      }
      await forward(fixture.registry, request, response);
    });
    try {
      const configPath = path.join(fixture.scratch, 'basic-config.json');
      await writeFile(configPath, JSON.stringify({ auths: { [`http://${basic.host}/v1/`]: { username: 'robot', password: 'pw' } } }));
      const registryClient = client(basic.host, { credentials: new DockerConfigCredentials(configPath) });
      expect((await registryClient.resolve(ref(`${basic.host}/team/app:v1`))).digest).toBe(fixture.single.digest);
    } finally {
      await basic.close();
    }
  });

  it('never sends credentials to another host on redirect', async () => {
    const storage = await startServer((request, response) => forward(fixture.registry, request, response));
    const front = await startServer(async (request, response) => {
      if (request.headers.authorization !== 'Basic cm9ib3Q6cHc=') {
        response.statusCode = 401;
        response.setHeader('www-authenticate', 'Basic realm="registry"');
        response.end();
        return;
      }
      if ((request.url ?? '').includes('/blobs/')) {
        response.statusCode = 307;
        response.setHeader('location', `${storage.url}${request.url ?? ''}`);
        response.end();
        return;
      }
      await forward(fixture.registry, request, response);
    });
    try {
      const configPath = path.join(fixture.scratch, 'redirect-config.json');
      await writeFile(configPath, JSON.stringify({ auths: { [front.host]: { auth: Buffer.from('robot:pw').toString('base64') } } }));
      const registryClient = client(front.host, { credentials: new DockerConfigCredentials(configPath) });
      const manifest = await registryClient.getManifest(ref(`${front.host}/team/app:v1`));
      const config = (JSON.parse(manifest.body.toString()) as { config: { digest: string } }).config.digest;
      await registryClient.getBlob(ref(`${front.host}/team/app:v1`), config);
      expect(storage.requests.length).toBeGreaterThan(0);
      expect(storage.requests.every((request) => request.authorization === undefined)).toBe(true);
    } finally {
      await front.close();
      await storage.close();
    }
  });
});
