import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { ref, useResolveFixture } from './helpers/resolve-fixture.js';
import { pushImage } from './helpers/registry.js';

const fixture = useResolveFixture();
const TAGS = 12;

/** A TCP relay in front of the real registry that counts the connections clients open. */
let relay: Server;
let relayHost = '';
let connections = 0;
/** manifest requests (HEAD or GET) the relay saw go to the registry */
let manifestRequests = 0;

beforeAll(async () => {
  for (let tag = 0; tag < TAGS; tag += 1) await pushImage(fixture.registry, 'team/many', `t${tag}`);
  const [, port] = fixture.registry.host.split(':');
  relay = createServer((socket) => {
    connections += 1;
    const upstream = connect(Number(port), '127.0.0.1');
    let sent = '';
    socket.on('data', (chunk: Buffer) => {
      sent += chunk.toString('latin1');
      const lines = sent.split('\r\n');
      sent = lines.pop() ?? '';
      manifestRequests += lines.filter((line) => /^(HEAD|GET) \/v2\/.+\/manifests\//.test(line)).length;
    });
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayHost = `127.0.0.1:${(relay.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((resolve) => relay.close(() => resolve())));

describe('registry connections are kept alive (issue 19)', () => {
  // undici frees a socket a moment after its answer, so a request sent at once may open a second one
  it('resolves references one after another over one or two connections, HEAD and GET alike', async () => {
    connections = 0;
    const client = fixture.client(relayHost);
    for (let tag = 0; tag < TAGS; tag += 1) await client.resolve(ref(`${relayHost}/team/many:t${tag}`));
    expect(client.requestCount).toBe(2 * TAGS);
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('resolving together opens at most as many connections as requests in flight', async () => {
    connections = 0;
    const client = fixture.client(relayHost, { concurrency: 4 });
    await Promise.all(Array.from({ length: TAGS }, (_, tag) => client.resolve(ref(`${relayHost}/team/many:t${tag}`))));
    expect(client.requestCount).toBe(2 * TAGS);
    expect(connections).toBeLessThanOrEqual(4);
  });

  it('rampart pin asks the registry once per unique reference, over at most as many connections as it sends at once', async () => {
    const tree = await mkdtemp(path.join(tmpdir(), 'rampart-pin-connections-'));
    try {
      // each reference twice: pinned alike, asked for once
      const images = Array.from({ length: TAGS }, (_, tag) => `${relayHost}/team/many:t${tag}`);
      const containers = [...images, ...images].map((image, index) => `        - name: c${index}\n          image: ${image}\n`).join('');
      await writeFile(path.join(tree, 'deployment.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: many\nspec:\n  template:\n    spec:\n      containers:\n${containers}`);
      connections = 0;
      manifestRequests = 0;
      const result = await runCli(['pin', tree, '--insecure-registry', relayHost, '--quiet', '--no-git-refs']);
      expect(result.code, result.stderr).toBe(0);
      expect((await readFile(path.join(tree, 'deployment.yaml'), 'utf8')).match(/@sha256:[0-9a-f]{64}/g)).toHaveLength(2 * TAGS);
      expect(manifestRequests).toBeGreaterThanOrEqual(TAGS);
      expect(manifestRequests).toBeLessThanOrEqual(2 * TAGS);
      // pin sends up to 8 requests at once (the registry client's default): never a connection per request
      expect(connections).toBeLessThanOrEqual(8);
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });
});
