import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageReference, type ImageReference } from '../src/model/image-ref.js';
import { HttpRegistryClient } from '../src/resolve/registry-client.js';
import { scan } from '../src/scan.js';
import { ImageVerifier } from '../src/verify/image/image-verifier.js';
import { loadImagePolicy, type PolicyInput } from '../src/verify/image/image-policy.js';
import { POD_WITH, rampart } from './cli-run.js';
import { pushImage, startRegistry, type LocalRegistry, type PushedImage } from './helpers/registry.js';
import { dsseBundle, pushBundleReferrer, pushLegacySignatures, signBytes, simpleSigningPayload } from './verify-cosign-sign.js';
import { createTestSigstore, publicPem, type TestSigstore } from './verify-sigstore-pki.js';

let registry: LocalRegistry;
let client: HttpRegistryClient;
let dir: string;
let sigstore: TestSigstore;
let trustedRoot: string;
const keys: Record<string, { privateKey: KeyObject; file: string }> = {};
const images: Record<string, PushedImage> = {};

const SIGNATURE = 'dev.cosignproject.cosign/signature';
const REKOR = 'dev.sigstore.cosign/bundle';
const CERTIFICATE = 'dev.sigstore.cosign/certificate';
const ISSUER = 'https://token.actions.githubusercontent.com';

function keyPair(name: string, type: 'ec' | 'ed25519' | 'rsa'): void {
  const pair = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const file = path.join(dir, `${name}.pub`);
  writeFileSync(file, publicPem(pair.publicKey));
  keys[name] = { privateKey: pair.privateKey, file };
}

const key = (name: string): { privateKey: KeyObject; file: string } => keys[name] ?? (() => { throw new Error(name); })();
const image = (name: string): PushedImage => images[name] ?? (() => { throw new Error(name); })();
const repositoryOf = (name: string): string => `team/${name}`;
const reference = (name: string): ImageReference => {
  const parsed = parseImageReference(`${registry.host}/${repositoryOf(name)}@${image(name).digest}`);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.reference;
};

/** Signs `signedDigest` with `signer` and stores the signature under `name`'s `.sig` tag. */
async function signLegacy(name: string, signer: string, options: { signedDigest?: string; tlog?: boolean; tamper?: boolean } = {}): Promise<void> {
  const payload = simpleSigningPayload(`${registry.host}/${repositoryOf(name)}`, options.signedDigest ?? image(name).digest);
  const signature = signBytes(key(signer).privateKey, payload);
  const annotations: Record<string, string> = { [SIGNATURE]: signature };
  if (options.tlog) annotations[REKOR] = sigstore.rekorAnnotation(payload, signature, publicPem(key(signer).privateKey));
  const stored = options.tamper ? Buffer.from(payload.toString().replace('"optional":null', '"optional":{"x":"y"}')) : payload;
  await pushLegacySignatures(registry, repositoryOf(name), image(name).digest, [{ payload: stored, annotations }]);
}

async function verdict(name: string, input: PolicyInput): Promise<{ status: string; reason?: string; detail?: string; signer?: string }> {
  return new ImageVerifier(client).verify(reference(name), await loadImagePolicy(input)) as Promise<{ status: string }>;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rampart-verify-image-'));
  registry = await startRegistry();
  client = new HttpRegistryClient({ insecureRegistries: [registry.host] });
  sigstore = await createTestSigstore();
  trustedRoot = path.join(dir, 'trusted_root.json');
  writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
  keyPair('release', 'ec');
  keyPair('other', 'ec');
  keyPair('edkey', 'ed25519');
  keyPair('rsakey', 'rsa');
  for (const name of ['logged', 'unlogged', 'unsigned', 'foreign', 'tampered', 'moved', 'bundled', 'keyless', 'attested', 'ed', 'rsa']) {
    images[name] = await pushImage(registry, repositoryOf(name), 'v1', { files: { 'name.txt': name } });
  }
  await signLegacy('logged', 'release', { tlog: true });
  await signLegacy('unlogged', 'release');
  await signLegacy('foreign', 'other', { tlog: true });
  await signLegacy('tampered', 'release', { tlog: true, tamper: true });
  await signLegacy('moved', 'release', { tlog: true, signedDigest: image('logged').digest });
  await signLegacy('ed', 'edkey');
  await signLegacy('rsa', 'rsakey');
  await pushBundleReferrer(registry, repositoryOf('bundled'), image('bundled'), dsseBundle(key('release').privateKey, image('bundled').digest, 'https://sigstore.dev/cosign/sign/v1', {}));
  const certificate = await sigstore.issueCertificate({ email: 'release@example.com', issuer: ISSUER });
  const keylessPayload = simpleSigningPayload(`${registry.host}/${repositoryOf('keyless')}`, image('keyless').digest);
  const keylessSignature = signBytes(certificate.privateKey, keylessPayload);
  await pushLegacySignatures(registry, repositoryOf('keyless'), image('keyless').digest, [{
    payload: keylessPayload,
    annotations: { [SIGNATURE]: keylessSignature, [CERTIFICATE]: certificate.pem, [REKOR]: sigstore.rekorAnnotation(keylessPayload, keylessSignature, certificate.pem) },
  }]);
  const envelope = dsseBundle(key('release').privateKey, image('attested').digest, 'https://slsa.dev/provenance/v0.2', { builder: { id: 'ci' } }) as { dsseEnvelope: unknown };
  await pushLegacySignatures(registry, repositoryOf('attested'), image('attested').digest, [{
    payload: Buffer.from(JSON.stringify(envelope.dsseEnvelope)), annotations: { [SIGNATURE]: '' }, mediaType: 'application/vnd.dsse.envelope.v1+json',
  }], 'att');
}, 180_000);

afterAll(async () => {
  await client?.close();
  await registry?.stop();
});

describe('image signatures in cosign format, verified against a real registry', () => {
  it('verifies key-based signatures with their Rekor entry against the trusted root', async () => {
    expect(await verdict('logged', { keys: [key('release').file], trustedRoot })).toMatchObject({ status: 'verified', signer: `key ${key('release').file}` });
  });

  it('requires a transparency log entry unless --insecure-ignore-tlog', async () => {
    expect(await verdict('unlogged', { keys: [key('release').file], trustedRoot })).toMatchObject({ status: 'invalid', reason: 'missing-tlog' });
    expect(await verdict('unlogged', { keys: [key('release').file], insecureIgnoreTlog: true })).toMatchObject({ status: 'verified' });
    expect(await verdict('logged', { keys: [key('release').file] })).toMatchObject({ status: 'invalid', reason: 'invalid-tlog' });
  });

  it('accepts Ed25519 and RSA cosign keys', async () => {
    expect(await verdict('ed', { keys: [key('edkey').file], insecureIgnoreTlog: true })).toMatchObject({ status: 'verified' });
    expect(await verdict('rsa', { keys: [key('rsakey').file], insecureIgnoreTlog: true })).toMatchObject({ status: 'verified' });
    expect(await verdict('rsa', { keys: [key('edkey').file], insecureIgnoreTlog: true })).toMatchObject({ status: 'invalid', reason: 'untrusted-key' });
  });

  it('refuses other keys, tampered payloads and signatures of another digest; reports unsigned images', async () => {
    const policy = { keys: [key('release').file], trustedRoot };
    expect(await verdict('foreign', policy)).toMatchObject({ status: 'invalid', reason: 'untrusted-key' });
    expect(await verdict('tampered', policy)).toMatchObject({ status: 'invalid', reason: 'untrusted-key' });
    expect(await verdict('moved', policy)).toMatchObject({ status: 'invalid', reason: 'wrong-digest' });
    expect(await verdict('unsigned', policy)).toMatchObject({ status: 'unsigned' });
  });

  it('verifies Sigstore bundles attached as referrers', async () => {
    expect(await verdict('bundled', { keys: [key('release').file], insecureIgnoreTlog: true })).toMatchObject({ status: 'verified' });
    expect(await verdict('bundled', { keys: [key('other').file], insecureIgnoreTlog: true })).toMatchObject({ status: 'invalid', reason: 'untrusted-key' });
  });

  it('verifies keyless signatures: Fulcio chain, SCT, Rekor SET, then the identity', async () => {
    const keyless = { trustedRoot, certificateOidcIssuer: ISSUER };
    expect(await verdict('keyless', { ...keyless, certificateIdentity: 'release@example.com' })).toMatchObject({ status: 'verified', signer: `release@example.com (issuer ${ISSUER})` });
    expect(await verdict('keyless', { ...keyless, certificateIdentityRegexp: '^release@example\\.com$' })).toMatchObject({ status: 'verified' });
    expect(await verdict('keyless', { ...keyless, certificateIdentity: 'someone@example.com' })).toMatchObject({ status: 'invalid', reason: 'untrusted-identity' });
    expect(await verdict('keyless', { trustedRoot, certificateIdentity: 'release@example.com', certificateOidcIssuer: 'https://accounts.google.com' })).toMatchObject({ status: 'invalid', reason: 'untrusted-identity' });
    const otherRoot = path.join(dir, 'other_root.json');
    writeFileSync(otherRoot, JSON.stringify((await createTestSigstore()).trustedRoot));
    expect(await verdict('keyless', { ...keyless, trustedRoot: otherRoot, certificateIdentity: 'release@example.com' })).toMatchObject({ status: 'invalid', reason: 'untrusted-certificate' });
    await expect(loadImagePolicy({ certificateIdentity: 'release@example.com', certificateOidcIssuer: ISSUER })).rejects.toThrow(/--trusted-root/);
  });

  it('verifies attestations of the requested predicate type', async () => {
    const policy = { keys: [key('release').file], insecureIgnoreTlog: true };
    expect(await verdict('attested', { ...policy, attestationType: 'https://slsa.dev/provenance/v0.2' })).toMatchObject({ status: 'verified' });
    expect(await verdict('attested', { ...policy, attestationType: 'https://spdx.dev/Document' })).toMatchObject({ status: 'unsigned' });
  });
});

describe('rampart verify image and scan --verify', () => {
  it('exits 0 verified, 1 not verified, 2 error, with a tag resolved to its digest and --format json', async () => {
    const insecure = ['--insecure-registry', registry.host];
    const ok = await rampart(['verify', 'image', `${registry.host}/${repositoryOf('logged')}:v1`, '--key', key('release').file, '--trusted-root', trustedRoot, ...insecure, '--format', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ verified: true, digest: image('logged').digest });
    const bad = await rampart(['verify', 'image', `${registry.host}/${repositoryOf('moved')}:v1`, '--key', key('release').file, '--trusted-root', trustedRoot, ...insecure]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('wrong-digest');
    const error = await rampart(['verify', 'image', `${registry.host}/${repositoryOf('logged')}:v1`, ...insecure]);
    expect(error.code).toBe(2);
    expect(error.stderr).toContain('no trusted signer');
  });

  it('scan --verify reports image-signature-missing and image-signature-invalid per referenced image', async () => {
    const repo = path.join(dir, 'repo');
    mkdirSync(repo);
    const ref = (name: string): string => `${registry.host}/${repositoryOf(name)}:v1`;
    writeFileSync(path.join(repo, 'pods.yaml'), [ref('unlogged'), ref('unsigned'), ref('foreign')].map(POD_WITH).join('---\n'));
    // files the repository's config names stay inside the repository
    copyFileSync(key('release').file, path.join(repo, 'release.pub'));
    writeFileSync(path.join(repo, '.rampart.yaml'), `verify:\n  images:\n    - match: "${registry.host}/team/**"\n      keys: [release.pub]\n      ignoreTlog: true\n`);
    const { report } = await scan(repo, {
      only: ['image-signature-missing', 'image-signature-invalid'],
      capabilities: new Set(['verify']),
      settings: { verify: { images: true }, resolve: { enabled: false, client } },
    });
    expect(report.diagnostics).toEqual([]);
    expect(report.findings.map((finding) => [finding.location.line, finding.ruleId])).toEqual([
      [15, 'image-signature-missing'],
      [23, 'image-signature-invalid'],
    ]);
 
    const cli = await rampart(['scan', repo, '--verify', '--insecure-registry', registry.host, '-r', 'image-signature-missing,image-signature-invalid', '-f', 'json']);
    expect(cli.code, cli.stderr).toBe(1);
    const findings = (JSON.parse(cli.stdout) as { findings: Array<{ ruleId: string; properties: Record<string, string> }> }).findings;
    expect(findings.map((finding) => [finding.ruleId, finding.properties['reason'] ?? ''])).toEqual([
      ['image-signature-missing', ''],
      ['image-signature-invalid', 'untrusted-key'],
    ]);
  });
});
