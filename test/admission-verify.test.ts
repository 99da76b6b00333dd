import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedImageChecks, DEFAULT_LIFETIMES } from '../src/admission/image-checks.js';
import { AdmissionMetrics } from '../src/admission/metrics.js';
import type { AdmissionServer } from '../src/admission/server.js';
import { HttpRegistryClient } from '../src/resolve/registry-client.js';
import { loadImagePolicies } from '../src/verify/image/scan-policies.js';
import { pushImage, startRegistry, tagManifest, type LocalRegistry, type PushedImage } from './helpers/registry.js';
import { counter, post, startTestWebhook, type TestWebhook } from './helpers/admission-server.js';
import { pushLegacySignatures, signBytes, simpleSigningPayload } from './verify-cosign-sign.js';
import { publicPem } from './verify-sigstore-pki.js';

/**
 * `serve admission --verify` against a real registry (CNCF distribution on loopback) holding cosign
 * signatures: the same verifier as `scan --verify`, behind caches that keep warm requests off the network.
 */
let registry: LocalRegistry;
let client: HttpRegistryClient;
let webhook: TestWebhook;
let server: AdmissionServer;
let directory: string;
let ca: string;
let clock = Date.now();
let signer: KeyObject;
const metrics = new AdmissionMetrics();
const images: Record<string, PushedImage> = {};

async function admit(image: string, name = 'web'): Promise<{ allowed: boolean; status?: { message: string }; warnings?: string[] }> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' }, spec: { containers: [{ name: 'app', image }] } };
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `uid-${name}-${Math.random().toString(16).slice(2)}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      name,
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
      object: pod,
      oldObject: null,
      dryRun: false,
    },
  };
  const reply = await post(server.port, ca, JSON.stringify(review));
  expect(reply.status).toBe(200);
  return (reply.json() as { response: { allowed: boolean } }).response;
}

async function sign(name: string): Promise<void> {
  const image = images[name]!;
  const payload = simpleSigningPayload(`${registry.host}/shop/${name}`, image.digest);
  await pushLegacySignatures(registry, `shop/${name}`, image.digest, [{ payload, annotations: { 'dev.cosignproject.cosign/signature': signBytes(signer, payload) } }]);
}

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'rampart-admission-verify-'));
  registry = await startRegistry();
  client = new HttpRegistryClient({ insecureRegistries: [registry.host], memoize: false });
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  signer = pair.privateKey;
  const keyFile = path.join(directory, 'cosign.pub');
  await writeFile(keyFile, publicPem(pair.publicKey));
  for (const name of ['signed', 'unsigned', 'moving', 'late']) images[name] = await pushImage(registry, `shop/${name}`, 'v1', { files: { 'name.txt': name } });
  await sign('signed');
  await sign('moving');
  const verify = { images: true, keys: [keyFile], insecureIgnoreTlog: true };
  const session = new CachedImageChecks(client, await loadImagePolicies(verify, undefined), DEFAULT_LIFETIMES, (cache, hit) => metrics.cacheLookup(cache, hit), () => clock);
  webhook = await startTestWebhook({ settings: { verify: { ...verify, session } }, metrics });
  ({ server, ca } = webhook);
}, 120_000);

afterAll(async () => {
  await webhook?.stop();
  await client?.close();
  await registry?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('serve admission --verify', () => {
  it('admits an image signed by the trusted key and denies an unsigned one, naming the rule', async () => {
    expect((await admit(`${registry.host}/shop/signed@${images['signed']!.digest}`)).allowed).toBe(true);
    const unsigned = await admit(`${registry.host}/shop/unsigned@${images['unsigned']!.digest}`);
    expect(unsigned.allowed).toBe(false);
    expect(unsigned.status?.message).toContain('image-signature-missing');
  });

  it('a warm request never touches the registry: verdicts by digest and policy, digests by tag', async () => {
    const pinned = `${registry.host}/shop/signed@${images['signed']!.digest}`;
    const tagged = `${registry.host}/shop/signed:v1`;
    await admit(tagged, 'first'); // tag → digest once
    const before = client.requestCount;
    for (let index = 0; index < 5; index += 1) {
      expect((await admit(pinned, `pinned-${index}`)).allowed).toBe(true);
      // image-not-pinned denies the tag (high), but its signature verdict is what the cache serves
      await admit(tagged, `tagged-${index}`);
    }
    expect(client.requestCount).toBe(before);
    const text = (await post(server.port, ca, '', '/metrics', 'GET')).body;
    expect(counter(text, 'rampart_admission_cache_lookups_total{cache="verdict",result="hit"}')).toBeGreaterThanOrEqual(10);
    expect(counter(text, 'rampart_admission_cache_lookups_total{cache="tag",result="hit"}')).toBeGreaterThanOrEqual(5);
  });

  it('a moved tag is seen once the tag cache expires, not before', async () => {
    const tagged = `${registry.host}/shop/moving:v1`;
    const first = await admit(tagged, 'moving-1');
    expect(first.status?.message ?? '').not.toContain('image-signature');
    await tagManifest(registry, 'shop/moving', (await pushImage(registry, 'shop/moving', 'other', { files: { 'x.txt': 'other' } })).digest, 'v1');
    const cached = await admit(tagged, 'moving-2');
    expect(cached.status?.message ?? '').not.toContain('image-signature-missing');
    clock += DEFAULT_LIFETIMES.tag + 1;
    const moved = await admit(tagged, 'moving-3');
    expect(moved.allowed).toBe(false);
    expect(moved.status?.message).toContain('image-signature-missing');
  });

  it('an unsigned verdict is kept briefly: a signature pushed later is seen once it expires', async () => {
    const late = `${registry.host}/shop/late@${images['late']!.digest}`;
    expect((await admit(late, 'late-1')).allowed).toBe(false);
    await sign('late');
    expect((await admit(late, 'late-2')).allowed).toBe(false);
    clock += DEFAULT_LIFETIMES.rejected + 1;
    expect((await admit(late, 'late-3')).allowed).toBe(true);
  });

  it('fails closed when the registry cannot be reached for an image it has not verified; cached verdicts still serve', async () => {
    await registry.stop();
    const cached = await admit(`${registry.host}/shop/signed@${images['signed']!.digest}`, 'offline-cached');
    expect(cached.allowed).toBe(true);
    const unknown = await admit(`${registry.host}/shop/never-seen@sha256:${'c'.repeat(64)}`, 'offline-new');
    expect(unknown.allowed).toBe(false);
    expect(unknown.status?.message).toMatch(/image signatures could not be checked.*--verify fails closed/);
  }, 60_000);
});
