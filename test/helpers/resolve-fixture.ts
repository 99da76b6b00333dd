import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { parseImageReference, type ImageReference } from '../../src/model/image-ref.js';
import { DockerConfigCredentials } from '../../src/resolve/credentials.js';
import { ResolveError } from '../../src/resolve/errors.js';
import { HttpRegistryClient, type RegistryClientOptions } from '../../src/resolve/registry-client.js';
import { pushImage, pushIndex, startRegistry, type LocalRegistry, type PushedImage } from './registry.js';

export function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.reference;
}

export async function failure(promise: Promise<unknown>): Promise<ResolveError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResolveError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

export interface ResolveFixture {
  registry: LocalRegistry;
  /** `team/app:v1`, single-arch */
  single: PushedImage;
  /** `team/app:multi`, an index of amd64 and arm64 */
  index: PushedImage;
  scratch: string;
  /** a client that may use plain HTTP for `host` and sees no docker credentials; closed after the file */
  client(host: string, options?: RegistryClientOptions): HttpRegistryClient;
}

/** Starts a real registry with a single-arch and a multi-arch image for the tests of one file. */
export function useResolveFixture(): ResolveFixture {
  const clients: HttpRegistryClient[] = [];
  const fixture = {
    client(host: string, options: RegistryClientOptions = {}): HttpRegistryClient {
      const created = new HttpRegistryClient({
        insecureRegistries: [host],
        credentials: new DockerConfigCredentials(path.join(fixture.scratch, 'no-config.json')),
        ...options,
      });
      clients.push(created);
      return created;
    },
  } as ResolveFixture;
  beforeAll(async () => {
    fixture.scratch = await mkdtemp(path.join(tmpdir(), 'rampart-resolve-'));
    fixture.registry = await startRegistry();
    fixture.single = await pushImage(fixture.registry, 'team/app', 'v1');
    const arm = await pushImage(fixture.registry, 'team/app', 'v1-arm64', { architecture: 'arm64' });
    fixture.index = await pushIndex(fixture.registry, 'team/app', 'multi', [fixture.single, arm]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((created) => created.close()));
    await fixture.registry?.stop();
    if (fixture.scratch) await rm(fixture.scratch, { recursive: true, force: true });
  });
  return fixture;
}
