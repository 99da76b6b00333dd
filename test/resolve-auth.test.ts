import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageReference, type ImageReference } from '../src/model/image-ref.js';
import { DockerConfigCredentials } from '../src/resolve/credentials.js';
import { ResolveError } from '../src/resolve/errors.js';
import { HttpRegistryClient, type RegistryClientOptions } from '../src/resolve/registry-client.js';
import { forward, startServer, startTokenRegistry, type TestServer } from './helpers/http-servers.js';
import { pushImage, pushIndex, startRegistry, type LocalRegistry, type PushedImage } from './helpers/registry.js';

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.reference;
}

async function failure(promise: Promise<unknown>): Promise<ResolveError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResolveError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

let registry: LocalRegistry;
let single: PushedImage;
let index: PushedImage;
let scratch: string;
const clients: HttpRegistryClient[] = [];

function client(host: string, options: RegistryClientOptions = {}): HttpRegistryClient {
  const created = new HttpRegistryClient({
    insecureRegistries: [host],
    credentials: new DockerConfigCredentials(path.join(scratch, 'no-config.json')),
    ...options,
  });
  clients.push(created);
  return created;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'rampart-resolve-'));
  registry = await startRegistry();
  single = await pushImage(registry, 'team/app', 'v1');
  const arm = await pushImage(registry, 'team/app', 'v1-arm64', { architecture: 'arm64' });
  index = await pushIndex(registry, 'team/app', 'multi', [single, arm]);
});

afterAll(async () => {
  await Promise.all(clients.map((created) => created.close()));
  await registry?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('registry client authentication', () => {
  let tokenFront: TestServer & { tokensIssued: string[] };
  beforeAll(async () => {
    tokenFront = await startTokenRegistry(registry);
  });
  afterAll(async () => tokenFront?.close());

  it('follows the anonymous Bearer token flow (realm, service, scope) and reuses the token', async () => {
    const registryClient = client(tokenFront.host);
    const [first, second] = await Promise.all(['v1', 'multi', 'v1-arm64'].map((tag) => registryClient.resolve(ref(`${tokenFront.host}/team/app:${tag}`))));
    expect(first?.digest).toBe(single.digest);
    expect(second?.digest).toBe(index.digest);
    expect(tokenFront.tokensIssued).toEqual(['repository:team/app:pull']);
    const tokenRequest = tokenFront.requests.find((request) => request.url.startsWith('/token'));
    expect(tokenRequest?.url).toContain('service=test-registry');
    expect(tokenRequest?.authorization).toBeUndefined();
  });

  it('sends docker config credentials to the token service and refuses without them', async () => {
    const guarded = await startTokenRegistry(registry, { username: 'robot', password: 's3cret' });
    try {
      const configPath = path.join(scratch, 'config.json');
      const auth = Buffer.from('robot:s3cret').toString('base64');
      await writeFile(configPath, JSON.stringify({ auths: { [guarded.host]: { auth } } }));
      const withCredentials = client(guarded.host, { credentials: new DockerConfigCredentials(configPath) });
      expect((await withCredentials.resolve(ref(`${guarded.host}/team/app:v1`))).digest).toBe(single.digest);
      const anonymous = client(guarded.host);
      const error = await failure(anonymous.resolve(ref(`${guarded.host}/team/app:v1`)));
      expect(error.code).toBe('unauthorized');
      expect(error.message).not.toContain('s3cret');
    } finally {
      await guarded.close();
    }
  });

  it('asks a credHelpers helper (docker-credential-<name>) and a credsStore for credentials', async () => {
    const binDirectory = path.join(scratch, 'bin');
    await rm(binDirectory, { recursive: true, force: true });
    await mkdir(binDirectory);
    const helper = path.join(binDirectory, 'docker-credential-rampart-test');
    await writeFile(helper, '#!/bin/sh\nread host\necho "{\\"ServerURL\\":\\"$host\\",\\"Username\\":\\"robot\\",\\"Secret\\":\\"from-helper\\"}"\n');
    await chmod(helper, 0o755);
    const previousPath = process.env['PATH'];
    process.env['PATH'] = `${binDirectory}:${previousPath ?? ''}`;
    try {
      const helperConfig = path.join(scratch, 'helper-config.json');
      await writeFile(helperConfig, JSON.stringify({ credHelpers: { 'registry.example': 'rampart-test' } }));
      expect(await new DockerConfigCredentials(helperConfig).get('registry.example')).toEqual({ kind: 'basic', username: 'robot', password: 'from-helper' });
      expect(await new DockerConfigCredentials(helperConfig).get('other.example')).toBeUndefined();
      const storeConfig = path.join(scratch, 'store-config.json');
      await writeFile(storeConfig, JSON.stringify({ credsStore: 'rampart-test' }));
      expect(await new DockerConfigCredentials(storeConfig).get('any.example')).toMatchObject({ password: 'from-helper' });
    } finally {
      process.env['PATH'] = previousPath;
    }
  });

  it('uses Basic credentials when the registry asks for Basic', async () => {
    const expected = `Basic ${Buffer.from('robot:pw').toString('base64')}`;
    const basic = await startServer(async (request, response) => {
      if (request.headers.authorization !== expected) {
        response.statusCode = 401;
        response.setHeader('www-authenticate', 'Basic realm="registry"');
        response.end();
        return;
      }
      await forward(registry, request, response);
    });
    try {
      const configPath = path.join(scratch, 'basic-config.json');
      await writeFile(configPath, JSON.stringify({ auths: { [`http://${basic.host}/v1/`]: { username: 'robot', password: 'pw' } } }));
      const registryClient = client(basic.host, { credentials: new DockerConfigCredentials(configPath) });
      expect((await registryClient.resolve(ref(`${basic.host}/team/app:v1`))).digest).toBe(single.digest);
    } finally {
      await basic.close();
    }
  });

  it('never sends credentials to another host on redirect', async () => {
    const storage = await startServer((request, response) => forward(registry, request, response));
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
      await forward(registry, request, response);
    });
    try {
      const configPath = path.join(scratch, 'redirect-config.json');
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
