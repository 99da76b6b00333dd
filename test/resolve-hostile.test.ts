import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerConfigCredentials } from '../src/resolve/credentials.js';
import { OCI_MANIFEST } from '../src/resolve/media-types.js';
import { failure, ref, useResolveFixture } from './helpers/resolve-fixture.js';
import { forward, startServer, type Handler, type TestServer } from './helpers/http-servers.js';
import { loopbackCertificate } from './helpers/tls.js';

const fixture = useResolveFixture();
const BASIC = `Basic ${Buffer.from('robot:pw').toString('base64')}`;

describe('registry credentials over HTTPS never reach a host they were not configured for', () => {
  let tls: { key: string; cert: string };
  const servers: TestServer[] = [];
  const agents: Agent[] = [];
  beforeAll(async () => {
    tls = await loopbackCertificate();
  });
  afterAll(async () => {
    await Promise.all([...servers.map((server) => server.close()), ...agents.map((agent) => agent.close())]);
  });
  const https = async (handler: Handler): Promise<TestServer> => {
    const server = await startServer(handler, tls);
    servers.push(server);
    return server;
  };
  /** a client that trusts the loopback certificate and holds Basic credentials for `host` only */
  const clientFor = async (host: string) => {
    const configPath = path.join(fixture.scratch, `config-${host.replace(/\W/g, '-')}.json`);
    await writeFile(configPath, JSON.stringify({ auths: { [host]: { auth: Buffer.from('robot:pw').toString('base64') } } }));
    const agent = new Agent({ connect: { ca: tls.cert } });
    agents.push(agent);
    return fixture.client(host, { insecureRegistries: [], dispatcher: agent, credentials: new DockerConfigCredentials(configPath), retries: 0 });
  };

  it('does not send them to a realm named by a host a cross-origin redirect led to', async () => {
    const thirdHost = await https((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end('{"token":"stolen"}');
    });
    const redirectTarget = await https((_request, response) => {
      response.statusCode = 401;
      response.setHeader('www-authenticate', `Bearer realm="${thirdHost.url}/token",service="evil"`);
      response.end();
    });
    const registry = await https((request, response) => {
      response.statusCode = 307;
      response.setHeader('location', `${redirectTarget.url}${request.url ?? ''}`);
      response.end();
    });
    const error = await failure((await clientFor(registry.host)).resolve(ref(`${registry.host}/team/app:v1`)));
    expect(thirdHost.requests).toEqual([]);
    expect(redirectTarget.requests.length).toBeGreaterThan(0);
    expect(redirectTarget.requests.every((request) => request.authorization === undefined)).toBe(true);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain(`redirected to ${redirectTarget.host}, which asks for credentials`);
  });

  it('sends them to the token realm the registry itself named, on another host, as Docker does', async () => {
    const tokens = await https((request, response) => {
      const granted = request.headers.authorization === BASIC;
      response.statusCode = granted ? 200 : 401;
      response.setHeader('content-type', 'application/json');
      response.end(granted ? '{"token":"granted"}' : '{}');
    });
    const registry = await https(async (request, response) => {
      if (request.headers.authorization !== 'Bearer granted') {
        response.statusCode = 401;
        response.setHeader('www-authenticate', `Bearer realm="${tokens.url}/token",service="registry"`);
        response.end();
        return;
      }
      await forward(fixture.registry, request, response);
    });
    const descriptor = await (await clientFor(registry.host)).resolve(ref(`${registry.host}/team/app:v1`));
    expect(descriptor.digest).toBe(fixture.single.digest);
    expect(tokens.requests.map((request) => request.authorization)).toEqual([BASIC]);
  });
});

/** A server that answers every GET with `bytes` of body, streamed, counting what it managed to send. */
async function flood(options: { status?: number; declareLength?: number; path?: RegExp }): Promise<TestServer & { sent: () => number }> {
  let sent = 0;
  const chunk = Buffer.alloc(256 * 1024, 0x7b);
  const server = await startServer(async (request, response) => {
    if (options.path && !options.path.test(request.url ?? '')) {
      await forward(fixture.registry, request, response);
      return;
    }
    response.statusCode = options.status ?? 200;
    response.setHeader('content-type', OCI_MANIFEST);
    if (options.declareLength !== undefined) response.setHeader('content-length', String(options.declareLength));
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    // 2 GiB at most, stopping as soon as the client hangs up
    while (sent < 2 * 1024 ** 3 && !response.destroyed) {
      sent += chunk.length;
      if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
    }
    response.end();
  });
  return Object.assign(server, { sent: () => sent });
}

describe('registry answers are read up to a limit, never buffered whole', () => {
  it('stops reading a manifest past 4 MiB and names the reference', async () => {
    const server = await flood({ path: /\/manifests\// });
    try {
      const error = await failure(fixture.client(server.host).resolve(ref(`${server.host}/team/app:v1`)));
      expect(error.code).toBe('too-large');
      expect(error.message).toBe(`the manifest of ${server.host}/team/app:v1 is larger than 4 MiB; refused (no registry serves one that large)`);
      expect(server.sent()).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });

  it('refuses a declared 2 GB manifest without reading it', async () => {
    const server = await flood({ path: /\/manifests\//, declareLength: 2 * 1024 ** 3 });
    try {
      const error = await failure(fixture.client(server.host).getManifest(ref(`${server.host}/team/app:v1`)));
      expect(error.code).toBe('too-large');
      expect(server.sent()).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });

  it('caps token answers and error bodies too', async () => {
    const tokenFlood = await flood({ path: /^\/token/ });
    const registry = await startServer(async (request, response) => {
      response.statusCode = 401;
      response.setHeader('www-authenticate', `Bearer realm="${tokenFlood.url}/token",service="x"`);
      response.end();
    });
    const errorFlood = await flood({ status: 500 });
    try {
      const tokenError = await failure(fixture.client(registry.host, { insecureRegistries: [registry.host] }).resolve(ref(`${registry.host}/team/app:v1`)));
      expect(tokenError.code).toBe('too-large');
      expect(tokenError.message).toContain(`the token from ${tokenFlood.host} for ${registry.host} is larger than 1 MiB`);
      expect(tokenFlood.sent()).toBeLessThan(64 * 1024 * 1024);

      const serverError = await failure(fixture.client(errorFlood.host, { retries: 0 }).getManifest(ref(`${errorFlood.host}/team/app:v1`)));
      expect(serverError.message).toContain('answered HTTP 500');
      expect(errorFlood.sent()).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await Promise.all([tokenFlood.close(), registry.close(), errorFlood.close()]);
    }
  });
});

describe('a manifest must be an image manifest or index', () => {
  /** serves `body` as the manifest of every tag, with its true digest */
  const serving = (body: string, contentType = OCI_MANIFEST) => startServer((request, response) => {
    response.setHeader('content-type', contentType);
    response.setHeader('docker-content-digest', `sha256:${createHash('sha256').update(body).digest('hex')}`);
    response.setHeader('content-length', String(Buffer.byteLength(body)));
    response.end(request.method === 'HEAD' ? undefined : body);
  });

  it.each([
    ['<html>login</html>', 'a document that is not JSON'],
    ['[1, 2]', 'JSON that is not an object'],
    ['{"schemaVersion":1,"name":"team/app","fsLayers":[]}', 'a manifest of schema version 1'],
    ['{"schemaVersion":2,"mediaType":"text/plain"}', 'a document of media type "text/plain"'],
    ['{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}', 'a manifest (application/vnd.oci.image.manifest.v1+json) without a config descriptor and a layers list'],
    ['{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}', 'an index (application/vnd.oci.image.index.v1+json) without a manifests list'],
  ])('refuses %s even when its digest matches', async (body, why) => {
    const server = await serving(body);
    try {
      const error = await failure(fixture.client(server.host).resolve(ref(`${server.host}/team/app:v1`)));
      expect(error.code).toBe('registry-error');
      expect(error.message).toContain(`${server.host}/team/app@sha256:`);
      expect(error.message).toContain(`the registry returned ${why}, not an image manifest or index`);
    } finally {
      await server.close();
    }
  });

  it('accepts an OCI manifest whose body leaves out mediaType, as OCI allows', async () => {
    const body = JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 }, layers: [] });
    const server = await serving(body, 'application/json');
    try {
      expect(await fixture.client(server.host).resolve(ref(`${server.host}/team/app:v1`))).toMatchObject({ mediaType: OCI_MANIFEST });
    } finally {
      await server.close();
    }
  });
});
