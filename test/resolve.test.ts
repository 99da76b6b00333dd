import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../src/resolve/media-types.js';
import type { RegistryClientOptions } from '../src/resolve/registry-client.js';
import { failure, ref, useResolveFixture } from './helpers/resolve-fixture.js';
import { forward, startServer } from './helpers/http-servers.js';
import { freePort, pushImage, pushIndex, putManifest } from './helpers/registry.js';

const fixture = useResolveFixture();
const client = (host: string, options?: RegistryClientOptions) => fixture.client(host, options);

describe('fixture.registry client against a real registry', () => {
  it('resolves a single-arch tag to its manifest digest with HEAD then GET, once per reference', async () => {
    const registryClient = client(fixture.registry.host);
    const descriptor = await registryClient.resolve(ref(`${fixture.registry.host}/team/app:v1`));
    expect(descriptor).toMatchObject({ digest: fixture.single.digest, mediaType: OCI_MANIFEST });
    expect(registryClient.requestCount).toBe(2);
    await Promise.all([registryClient.resolve(ref(`${fixture.registry.host}/team/app:v1`)), registryClient.resolve(ref(`${fixture.registry.host}/team/app:v1`))]);
    expect(registryClient.requestCount).toBe(2);
  });

  it('pins the index digest of a multi-arch image, not one platform', async () => {
    const descriptor = await client(fixture.registry.host).resolve(ref(`${fixture.registry.host}/team/app:multi`));
    expect(descriptor).toMatchObject({ digest: fixture.index.digest, mediaType: OCI_INDEX });
  });

  it('accepts Docker schema 2 manifests and manifest lists as well as OCI ones', async () => {
    const amd64 = await pushImage(fixture.registry, 'team/docker', 'amd64', { format: 'v2s2' });
    const arm64 = await pushImage(fixture.registry, 'team/docker', 'arm64', { format: 'v2s2', architecture: 'arm64' });
    const list = await pushIndex(fixture.registry, 'team/docker', 'multi', [amd64, arm64], [], DOCKER_MANIFEST_LIST);
    const registryClient = client(fixture.registry.host);
    expect(await registryClient.resolve(ref(`${fixture.registry.host}/team/docker:amd64`))).toMatchObject({ digest: amd64.digest, mediaType: DOCKER_MANIFEST });
    expect(await registryClient.resolve(ref(`${fixture.registry.host}/team/docker:multi`))).toMatchObject({ digest: list.digest, mediaType: DOCKER_MANIFEST_LIST });
  });

  it('fetches manifests and blobs with their content checked', async () => {
    const registryClient = client(fixture.registry.host);
    const manifest = await registryClient.getManifest(ref(`${fixture.registry.host}/team/app@${fixture.single.digest}`));
    expect(manifest.digest).toBe(fixture.single.digest);
    const config = (JSON.parse(manifest.body.toString()) as { config: { digest: string } }).config.digest;
    const blob = await registryClient.getBlob(ref(`${fixture.registry.host}/team/app:v1`), config);
    expect(`sha256:${createHash('sha256').update(blob).digest('hex')}`).toBe(config);
    expect(await registryClient.referrers(ref(`${fixture.registry.host}/team/app:v1`), fixture.single.digest)).toEqual([]);
  });

  it('lists referrers through the sha256-<hex> fallback tag, filtered by artifact type', async () => {
    const signatureType = 'application/vnd.dev.cosign.artifact.sig.v1+json';
    const referrersIndex = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: fixture.single.digest, size: fixture.single.size, artifactType: signatureType }],
    };
    await putManifest(fixture.registry, 'team/app', fixture.index.digest.replace(':', '-'), Buffer.from(JSON.stringify(referrersIndex)), OCI_INDEX);
    const registryClient = client(fixture.registry.host);
    const subject = ref(`${fixture.registry.host}/team/app:multi`);
    expect(await registryClient.referrers(subject, fixture.index.digest, signatureType)).toEqual(referrersIndex.manifests);
    expect(await registryClient.referrers(subject, fixture.index.digest, 'application/other')).toEqual([]);
  });

  it('reports a missing tag, a missing repository and a missing digest as not-found', async () => {
    const registryClient = client(fixture.registry.host);
    expect((await failure(registryClient.resolve(ref(`${fixture.registry.host}/team/app:nope`)))).code).toBe('not-found');
    expect((await failure(registryClient.resolve(ref(`${fixture.registry.host}/team/absent:v1`)))).code).toBe('not-found');
    const missingDigest = `sha256:${'0'.repeat(64)}`;
    expect((await failure(registryClient.resolve(ref(`${fixture.registry.host}/team/app@${missingDigest}`)))).code).toBe('not-found');
  });

  it('uses HTTPS unless the host is named insecure, and says how to allow plain HTTP', async () => {
    const secureOnly = client(fixture.registry.host, { insecureRegistries: [], retries: 0 });
    const error = await failure(secureOnly.resolve(ref(`${fixture.registry.host}/team/app:v1`)));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('--insecure-registry');
    const otherPortOnly = client(fixture.registry.host, { insecureRegistries: ['127.0.0.1:1'], retries: 0 });
    expect((await failure(otherPortOnly.resolve(ref(`${fixture.registry.host}/team/app:v1`)))).code).toBe('unreachable');
    const anyPort = client(fixture.registry.host, { insecureRegistries: ['127.0.0.1'] });
    expect((await anyPort.resolve(ref(`${fixture.registry.host}/team/app:v1`))).digest).toBe(fixture.single.digest);
  });
});

describe('fixture.registry client proxies', () => {
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
      expect((await client(fixture.registry.host).resolve(ref(`${fixture.registry.host}/team/app:v1`))).digest).toBe(fixture.single.digest);
      expect(proxy.requests.map((request) => request.url)).toContain(`${fixture.registry.url}/v2/team/app/manifests/v1`);
      const seen = proxy.requests.length;
      process.env['NO_PROXY'] = '127.0.0.1';
      expect((await client(fixture.registry.host).resolve(ref(`${fixture.registry.host}/team/app:multi`))).digest).toBe(fixture.index.digest);
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

describe('fixture.registry client against misbehaving registries', () => {
  it('rejects a manifest whose bytes do not hash to Docker-Content-Digest (image-digest-mismatch)', async () => {
    const liar = await startServer(async (request, response) => {
      const answer = await fetch(`${fixture.registry.url}${request.url ?? ''}`, { method: request.method ?? 'GET', headers: { accept: String(request.headers.accept ?? '') } });
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
      expect(error.message).toContain(fixture.single.digest);
      // the reference as people write it: name@digest, never name:sha256:…
      expect(error.message.startsWith(`${liar.host}/team/app@${fixture.single.digest}: `), error.message).toBe(true);
    } finally {
      await liar.close();
    }
  });

  it('gives up on a slow fixture.registry after the timeout, retrying first', async () => {
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

  it('reports a fixture.registry that is down as unreachable', async () => {
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
      await forward(fixture.registry, request, response);
    });
    try {
      const registryClient = client(busy.host, { backoffMs: 10 });
      expect((await registryClient.resolve(ref(`${busy.host}/team/app:v1`))).digest).toBe(fixture.single.digest);
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
