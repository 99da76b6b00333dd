import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref, useResolveFixture } from './helpers/resolve-fixture.js';
import { pushImage } from './helpers/registry.js';

const fixture = useResolveFixture();
const TAGS = 12;

/** A TCP relay in front of the real registry that counts the connections clients open. */
let relay: Server;
let relayHost = '';
let connections = 0;

beforeAll(async () => {
  for (let tag = 0; tag < TAGS; tag += 1) await pushImage(fixture.registry, 'team/many', `t${tag}`);
  const [, port] = fixture.registry.host.split(':');
  relay = createServer((socket) => {
    connections += 1;
    const upstream = connect(Number(port), '127.0.0.1');
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
});
