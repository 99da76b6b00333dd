import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageReference, type ImageReference } from '../src/model/image-ref.js';
import { DockerConfigCredentials } from '../src/resolve/credentials.js';
import { ResolveError } from '../src/resolve/errors.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../src/resolve/media-types.js';
import { HttpRegistryClient, type RegistryClientOptions } from '../src/resolve/registry-client.js';
import { forward, startServer } from './helpers/http-servers.js';
import { freePort, pushImage, pushIndex, putManifest, startRegistry, type LocalRegistry, type PushedImage } from './helpers/registry.js';

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

describe('registry client against a real registry', () => {
  it('resolves a single-arch tag to its manifest digest with HEAD then GET, once per reference', async () => {
    const registryClient = client(registry.host);
    const descriptor = await registryClient.resolve(ref(`${registry.host}/team/app:v1`));
    expect(descriptor).toMatchObject({ digest: single.digest, mediaType: OCI_MANIFEST });
    expect(registryClient.requestCount).toBe(2);
    await Promise.all([registryClient.resolve(ref(`${registry.host}/team/app:v1`)), registryClient.resolve(ref(`${registry.host}/team/app:v1`))]);
    expect(registryClient.requestCount).toBe(2);
  });

  it('pins the index digest of a multi-arch image, not one platform', async () => {
    const descriptor = await client(registry.host).resolve(ref(`${registry.host}/team/app:multi`));
    expect(descriptor).toMatchObject({ digest: index.digest, mediaType: OCI_INDEX });
  });

  it('accepts Docker schema 2 manifests and manifest lists as well as OCI ones', async () => {
    const amd64 = await pushImage(registry, 'team/docker', 'amd64', { format: 'v2s2' });
    const arm64 = await pushImage(registry, 'team/docker', 'arm64', { format: 'v2s2', architecture: 'arm64' });
    const list = await pushIndex(registry, 'team/docker', 'multi', [amd64, arm64], [], DOCKER_MANIFEST_LIST);
    const registryClient = client(registry.host);
    expect(await registryClient.resolve(ref(`${registry.host}/team/docker:amd64`))).toMatchObject({ digest: amd64.digest, mediaType: DOCKER_MANIFEST });
    expect(await registryClient.resolve(ref(`${registry.host}/team/docker:multi`))).toMatchObject({ digest: list.digest, mediaType: DOCKER_MANIFEST_LIST });
  });

  it('fetches manifests and blobs with their content checked', async () => {
    const registryClient = client(registry.host);
    const manifest = await registryClient.getManifest(ref(`${registry.host}/team/app@${single.digest}`));
    expect(manifest.digest).toBe(single.digest);
    const config = (JSON.parse(manifest.body.toString()) as { config: { digest: string } }).config.digest;
    const blob = await registryClient.getBlob(ref(`${registry.host}/team/app:v1`), config);
    expect(`sha256:${createHash('sha256').update(blob).digest('hex')}`).toBe(config);
    expect(await registryClient.referrers(ref(`${registry.host}/team/app:v1`), single.digest)).toEqual([]);
  });

  it('lists referrers through the sha256-<hex> fallback tag, filtered by artifact type', async () => {
    const signatureType = 'application/vnd.dev.cosign.artifact.sig.v1+json';
    const referrersIndex = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: single.digest, size: single.size, artifactType: signatureType }],
    };
    await putManifest(registry, 'team/app', index.digest.replace(':', '-'), Buffer.from(JSON.stringify(referrersIndex)), OCI_INDEX);
    const registryClient = client(registry.host);
    const subject = ref(`${registry.host}/team/app:multi`);
    expect(await registryClient.referrers(subject, index.digest, signatureType)).toEqual(referrersIndex.manifests);
    expect(await registryClient.referrers(subject, index.digest, 'application/other')).toEqual([]);
  });

  it('reports a missing tag, a missing repository and a missing digest as not-found', async () => {
    const registryClient = client(registry.host);
    expect((await failure(registryClient.resolve(ref(`${registry.host}/team/app:nope`)))).code).toBe('not-found');
    expect((await failure(registryClient.resolve(ref(`${registry.host}/team/absent:v1`)))).code).toBe('not-found');
    const missingDigest = `sha256:${'0'.repeat(64)}`;
    expect((await failure(registryClient.resolve(ref(`${registry.host}/team/app@${missingDigest}`)))).code).toBe('not-found');
  });

  it('uses HTTPS unless the host is named insecure, and says how to allow plain HTTP', async () => {
    const secureOnly = client(registry.host, { insecureRegistries: [], retries: 0 });
    const error = await failure(secureOnly.resolve(ref(`${registry.host}/team/app:v1`)));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('--insecure-registry');
    const otherPortOnly = client(registry.host, { insecureRegistries: ['127.0.0.1:1'], retries: 0 });
    expect((await failure(otherPortOnly.resolve(ref(`${registry.host}/team/app:v1`)))).code).toBe('unreachable');
    const anyPort = client(registry.host, { insecureRegistries: ['127.0.0.1'] });
    expect((await anyPort.resolve(ref(`${registry.host}/team/app:v1`))).digest).toBe(single.digest);
  });
});

describe('registry client proxies', () => {
  it('goes through HTTP_PROXY unless NO_PROXY names the host', async () => {
    const proxy = await startServer(async (request, response) => {
      const target = new URL(request.url ?? '/');
      const answer = await fetch(target, { method: request.method ?? 'GET', headers: { accept: String(request.headers.accept ?? '') } });
      const body = Buffer.from(await answer.arrayBuffer());
      response.statusCode = answer.status;
      for (const name of ['content-type', 'docker-content-digest']) response.setHeader(name, answer.headers.get(name) ?? '');
      response.end(request.method === 'HEAD' ? undefined : body);
    });
    const saved = { HTTP_PROXY: process.env['HTTP_PROXY'], NO_PROXY: process.env['NO_PROXY'] };
    try {
      process.env['HTTP_PROXY'] = proxy.url;
      process.env['NO_PROXY'] = '';
      expect((await client(registry.host).resolve(ref(`${registry.host}/team/app:v1`))).digest).toBe(single.digest);
      expect(proxy.requests.map((request) => request.url)).toContain(`${registry.url}/v2/team/app/manifests/v1`);
      const seen = proxy.requests.length;
      process.env['NO_PROXY'] = '127.0.0.1';
      expect((await client(registry.host).resolve(ref(`${registry.host}/team/app:multi`))).digest).toBe(index.digest);
      expect(proxy.requests.length).toBe(seen);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await proxy.close();
    }
  });
});

describe('registry client against misbehaving registries', () => {
  it('rejects a manifest whose bytes do not hash to Docker-Content-Digest (image-digest-mismatch)', async () => {
    const liar = await startServer(async (request, response) => {
      const answer = await fetch(`${registry.url}${request.url ?? ''}`, { method: request.method ?? 'GET', headers: { accept: String(request.headers.accept ?? '') } });
      const body = Buffer.from(await answer.arrayBuffer());
      response.setHeader('content-type', answer.headers.get('content-type') ?? '');
      response.setHeader('docker-content-digest', answer.headers.get('docker-content-digest') ?? '');
      response.statusCode = answer.status;
      // same header, different bytes: what a tampering mirror would serve
      response.end(request.method === 'HEAD' ? undefined : Buffer.concat([body, Buffer.from(' ')]));
    });
    try {
      const error = await failure(client(liar.host).resolve(ref(`${liar.host}/team/app:v1`)));
      expect(error.code).toBe('image-digest-mismatch');
      expect(error.message).toContain(single.digest);
    } finally {
      await liar.close();
    }
  });

  it('gives up on a slow registry after the timeout, retrying first', async () => {
    const slow = await startServer(() => undefined);
    try {
      const started = Date.now();
      const error = await failure(client(slow.host, { timeoutMs: 300, retries: 1, backoffMs: 10 }).resolve(ref(`${slow.host}/team/app:v1`)));
      expect(error.code).toBe('timeout');
      expect(slow.requests.length).toBe(2);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await slow.close();
    }
  });

  it('reports a registry that is down as unreachable', async () => {
    const port = await freePort();
    const error = await failure(client(`127.0.0.1:${port}`, { retries: 1, backoffMs: 10 }).resolve(ref(`127.0.0.1:${port}/team/app:v1`)));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('retries 429 and 5xx answers with backoff, honouring Retry-After', async () => {
    let refusals = 0;
    const busy = await startServer(async (request, response) => {
      if (refusals < 2) {
        refusals += 1;
        response.statusCode = refusals === 1 ? 429 : 503;
        if (refusals === 1) response.setHeader('retry-after', '0');
        response.end();
        return;
      }
      await forward(registry, request, response);
    });
    try {
      const registryClient = client(busy.host, { backoffMs: 10 });
      expect((await registryClient.resolve(ref(`${busy.host}/team/app:v1`))).digest).toBe(single.digest);
      expect(busy.requests.length).toBe(4);
      const stubborn = client(busy.host, { retries: 0 });
      refusals = 0;
      expect((await failure(stubborn.resolve(ref(`${busy.host}/team/app:v1`)))).code).toBe('registry-error');
    } finally {
      await busy.close();
    }
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const counting = await startServer(async (request, response) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight -= 1;
      response.statusCode = 404;
      response.end();
    });
    try {
      const registryClient = client(counting.host, { concurrency: 3 });
      await Promise.allSettled(Array.from({ length: 12 }, (_, n) => registryClient.resolve(ref(`${counting.host}/team/app:t${n}`))));
      expect(counting.requests.length).toBe(12);
      expect(most).toBe(3);
    } finally {
      await counting.close();
    }
  });
});
