import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const flags: string[] = [];
vi.mock('node:v8', async (original) => {
  const actual = await original<typeof import('node:v8')>();
  const setFlagsFromString = (flag: string): void => {
    flags.push(flag);
    actual.setFlagsFromString(flag);
  };
  return { ...actual, default: { ...actual, setFlagsFromString }, setFlagsFromString };
});

describe('WebAssembly on the baseline compiler before the first HTTP request', () => {
  let server: Server;
  let origin = '';
  const flagsAtRequest: string[][] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      flagsAtRequest.push([...flags]);
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sets --liftoff-only once, before a registry transport sends its first request', async () => {
    const { RegistryTransport } = await import('./resolve/transport.js');
    const transport = new RegistryTransport();
    try {
      expect(flags).toEqual([]);
      expect((await transport.request(`${origin}/a`, 'GET', {})).status).toBe(200);
      expect((await transport.request(`${origin}/b`, 'GET', {})).status).toBe(200);
    } finally {
      await transport.close();
    }
    expect(flagsAtRequest).toEqual([['--liftoff-only'], ['--liftoff-only']]);
  });
});
