import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageReference } from '../src/model/image-ref.js';
import { HttpRegistryClient } from '../src/resolve/registry-client.js';
import { ImageVerifier } from '../src/verify/image/image-verifier.js';
import { loadImagePolicy, type PolicyInput } from '../src/verify/image/image-policy.js';
import { pushImage, startRegistry, type LocalRegistry, type PushedImage } from './helpers/registry.js';
import { dsseBundle, pushBundleReferrer } from './verify-cosign-sign.js';
import { createRekorProofLog, dsseEntryBody, type RekorProofLog, type TlogEntryJson } from './verify-rekor-proof.js';
import { createTestSigstore, publicPem } from './verify-sigstore-pki.js';

/** Sigstore bundles v0.3 whose Rekor entry proves inclusion with an audit path and a signed checkpoint. */

const COSIGN_SIGN = 'https://sigstore.dev/cosign/sign/v1';
const ISSUER = 'https://token.actions.githubusercontent.com';

let registry: LocalRegistry;
let client: HttpRegistryClient;
let rekor: RekorProofLog;
let trustedRoot: string;
let keyFile: string;
let releaseKey: KeyObject;
const images: Record<string, PushedImage> = {};

interface Signing {
  readonly privateKey?: KeyObject;
  /** the PEM of the verifying key or certificate, and the bundle's verification material for it */
  readonly verifier?: string;
  readonly material?: Record<string, unknown>;
  readonly promise?: boolean;
  /** logs the entry of another signature instead of this one */
  readonly logAnotherSignature?: boolean;
  /** alters the logged entry before it goes into the bundle */
  readonly tamper?: (entry: TlogEntryJson) => void;
}

const flipFirstByte = (base64: string): string => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  return bytes.toString('base64');
};

/** Pushes an image `name` and attaches a DSSE bundle with the inclusion proof of its Rekor entry. */
async function signedImage(name: string, signing: Signing = {}): Promise<void> {
  const image = await pushImage(registry, `proof/${name}`, 'v1', { files: { 'name.txt': name } });
  images[name] = image;
  const bundle = dsseBundle(signing.privateKey ?? releaseKey, image.digest, COSIGN_SIGN, {}, signing.material) as {
    dsseEnvelope: { payload: string; signatures: Array<{ sig: string }> };
    verificationMaterial: { tlogEntries: TlogEntryJson[] };
  };
  const envelope = bundle.dsseEnvelope;
  const logged = signing.logAnotherSignature ? { ...envelope, signatures: envelope.signatures.map((signature) => ({ sig: flipFirstByte(signature.sig) })) } : envelope;
  const entry = rekor.append(dsseEntryBody(logged, signing.verifier ?? publicPem(releaseKey)), { promise: signing.promise ?? false });
  signing.tamper?.(entry);
  bundle.verificationMaterial.tlogEntries = [entry];
  await pushBundleReferrer(registry, `proof/${name}`, image, bundle);
}

async function verdict(name: string, input: PolicyInput = { keys: [keyFile], trustedRoot }): Promise<{ status: string; reason?: string; detail?: string }> {
  const image = images[name];
  if (!image) throw new Error(name);
  const parsed = parseImageReference(`${registry.host}/proof/${name}@${image.digest}`);
  if (!parsed.ok) throw new Error(parsed.reason);
  return new ImageVerifier(client).verify(parsed.reference, await loadImagePolicy(input)) as Promise<{ status: string }>;
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rampart-inclusion-proof-'));
  registry = await startRegistry();
  client = new HttpRegistryClient({ insecureRegistries: [registry.host] });
  const sigstore = await createTestSigstore();
  rekor = createRekorProofLog();
  trustedRoot = path.join(dir, 'trusted_root.json');
  const tlogs = sigstore.trustedRoot['tlogs'] as unknown[];
  writeFileSync(trustedRoot, JSON.stringify({ ...sigstore.trustedRoot, tlogs: [...tlogs, rekor.trustedLog] }));
  releaseKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  keyFile = path.join(dir, 'release.pub');
  writeFileSync(keyFile, publicPem(releaseKey));
  const intruder = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

  await signedImage('proof-only');
  await signedImage('proof-and-promise', { promise: true });
  await signedImage('wrong-path', { tamper: (entry) => { entry.inclusionProof.hashes[0] = flipFirstByte(entry.inclusionProof.hashes[0] ?? ''); } });
  await signedImage('wrong-proof-root', { tamper: (entry) => { entry.inclusionProof.rootHash = flipFirstByte(entry.inclusionProof.rootHash); } });
  await signedImage('wrong-checkpoint-root', {
    tamper: (entry) => {
      const wrongRoot = Buffer.from(flipFirstByte(entry.inclusionProof.rootHash), 'base64');
      entry.inclusionProof.rootHash = wrongRoot.toString('base64');
      entry.inclusionProof.checkpoint.envelope = rekor.checkpoint(Number(entry.inclusionProof.treeSize), wrongRoot);
    },
  });
  await signedImage('foreign-checkpoint', {
    tamper: (entry) => {
      entry.inclusionProof.checkpoint.envelope = rekor.checkpoint(Number(entry.inclusionProof.treeSize), Buffer.from(entry.inclusionProof.rootHash, 'base64'), intruder);
    },
  });
  await signedImage('other-entry', { logAnotherSignature: true });
  for (const [name, promise] of [['keyless-proof-only', false], ['keyless-proof-and-promise', true]] as const) {
    const certificate = await sigstore.issueCertificate({ email: 'release@example.com', issuer: ISSUER });
    const der = Buffer.from(certificate.pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64');
    await signedImage(name, { privateKey: certificate.privateKey, verifier: certificate.pem, material: { certificate: { rawBytes: der.toString('base64') } }, promise });
  }
}, 180_000);

afterAll(async () => {
  await client?.close();
  await registry?.stop();
});

describe('Rekor inclusion proofs with signed checkpoints (bundle v0.3 referrers)', () => {
  it('verifies a key-based bundle whose tlog entry has only an inclusion proof, or a proof and a SET', async () => {
    expect(await verdict('proof-only')).toMatchObject({ status: 'verified' });
    expect(await verdict('proof-and-promise')).toMatchObject({ status: 'verified' });
  });

  it('refuses a wrong audit path, a proof root other than the checkpoint, and a checkpoint over another root', async () => {
    expect(await verdict('wrong-path')).toMatchObject({ status: 'invalid', reason: 'invalid-tlog', detail: expect.stringMatching(/inclusion proof does not verify: .*root hash/) });
    expect(await verdict('wrong-proof-root')).toMatchObject({ status: 'invalid', reason: 'invalid-tlog', detail: expect.stringContaining('root hash of the inclusion proof is not the one its checkpoint signs') });
    expect(await verdict('wrong-checkpoint-root')).toMatchObject({ status: 'invalid', reason: 'invalid-tlog', detail: expect.stringMatching(/inclusion proof does not verify: .*root hash/) });
  });

  it('refuses a checkpoint not signed by a log of the trusted root, and an entry logging something else', async () => {
    expect(await verdict('foreign-checkpoint')).toMatchObject({ status: 'invalid', reason: 'invalid-tlog', detail: expect.stringContaining('checkpoint signature') });
    expect(await verdict('other-entry')).toMatchObject({ status: 'invalid', reason: 'invalid-tlog', detail: expect.stringContaining('records another signature') });
  });

  it('without the trusted root the proof cannot be checked; --insecure-ignore-tlog skips it', async () => {
    expect(await verdict('proof-only', { keys: [keyFile] })).toMatchObject({ status: 'invalid', reason: 'invalid-tlog' });
    expect(await verdict('wrong-path', { keys: [keyFile], insecureIgnoreTlog: true })).toMatchObject({ status: 'verified' });
  });

  it('keyless: an inclusion proof does not date the signature, so a SET (or a timestamp) is still needed', async () => {
    const keyless = { trustedRoot, certificateIdentity: 'release@example.com', certificateOidcIssuer: ISSUER };
    expect(await verdict('keyless-proof-and-promise', keyless)).toMatchObject({ status: 'verified' });
    expect(await verdict('keyless-proof-only', keyless)).toMatchObject({ status: 'invalid', reason: 'missing-tlog', detail: expect.stringContaining('no verified signing time') });
  });
});
