import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse.js';
import { loadImagePolicy } from '../src/verify/image/image-policy.js';
import { imageGlob, loadImagePolicies } from '../src/verify/image/scan-policies.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-verify-policy-'));
const keyFile = path.join(dir, 'cosign.pub');
writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));

describe('image signer policies', () => {
  it('matches image names with * inside one segment and ** across segments', () => {
    expect(imageGlob('ghcr.io/acme/*').test('ghcr.io/acme/api')).toBe(true);
    expect(imageGlob('ghcr.io/acme/*').test('ghcr.io/acme/team/api')).toBe(false);
    expect(imageGlob('ghcr.io/acme/**').test('ghcr.io/acme/team/api')).toBe(true);
    expect(imageGlob('docker.io/library/nginx').test('docker.io/library/nginx-x')).toBe(false);
    expect(imageGlob('registry.internal:5000/*').test('registry.internal:5000/app')).toBe(true);
  });

  it('refuses incomplete or contradictory trust with a clear message', async () => {
    await expect(loadImagePolicy({})).rejects.toThrow(/no trusted signer/);
    await expect(loadImagePolicy({ certificateIdentity: 'a@example.com' })).rejects.toThrow(/--certificate-oidc-issuer/);
    await expect(loadImagePolicy({ keys: [keyFile], certificateOidcIssuer: 'https://issuer' })).rejects.toThrow(/needs --certificate-identity/);
    await expect(loadImagePolicy({ certificateIdentityRegexp: '(', certificateOidcIssuer: 'x', trustedRoot: keyFile })).rejects.toThrow(/invalid regular expression/);
    await expect(loadImagePolicy({ keys: [path.join(dir, 'missing.pub')] })).rejects.toThrow(/cannot read public key .*missing\.pub \(ENOENT\)/);
    await expect(loadImagePolicy({ keys: [keyFile], trustedRoot: keyFile })).rejects.toThrow(/not a Sigstore trusted root/);
    const notPem = path.join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    await expect(loadImagePolicy({ keys: [notPem] })).rejects.toThrow(/not a PEM public key/);
  });

  it('reads the verify section of .rampart.yaml, resolving key paths against the file', async () => {
    const config = parseConfig('verify:\n  images:\n    - match: "ghcr.io/acme/**"\n      keys: [cosign.pub]\n      ignoreTlog: true\n', path.join(dir, '.rampart.yaml'));
    expect(config.verify?.images?.[0]?.keys).toEqual([keyFile]);
    const policies = await loadImagePolicies({ images: true }, config.verify);
    expect(policies.policyFor('ghcr.io/acme/team/api')).toMatchObject({ ignoreTlog: true });
    expect(policies.policyFor('docker.io/library/nginx')).toBeUndefined();
    const withFallback = await loadImagePolicies({ images: true, keys: [keyFile] }, config.verify);
    expect(withFallback.policyFor('docker.io/library/nginx')).toMatchObject({ ignoreTlog: false });
    expect(() => parseConfig('verify:\n  images:\n    - keys: [a.pub]\n', 'bad.yaml')).toThrow(/bad\.yaml/);
  });
});

describe('a registry serving a payload that does not match its digest (fake client, unit)', () => {
  it('reports the signature as invalid instead of failing the whole check', async () => {
    const { ImageVerifier } = await import('../src/verify/image/image-verifier.js');
    const { ResolveError } = await import('../src/resolve/errors.js');
    const { parseImageReference } = await import('../src/model/image-ref.js');
    const digest = `sha256:${'a'.repeat(64)}`;
    const layer = { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 10, annotations: { 'dev.cosignproject.cosign/signature': 'AAAA' } };
    const fake = {
      requestCount: 0,
      resolve: async () => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 }),
      getManifest: async (reference: { tag?: string }) => {
        if (reference.tag === `sha256-${'a'.repeat(64)}.sig`) return { digest: 'sha256:c', mediaType: 'application/vnd.oci.image.manifest.v1+json', body: Buffer.from(JSON.stringify({ layers: [layer] })) };
        throw new ResolveError('not-found', 'no such manifest');
      },
      getBlob: async () => { throw new ResolveError('image-digest-mismatch', 'bytes hash to something else'); },
      referrers: async () => [],
    };
    const parsed = parseImageReference(`registry.example/app@${digest}`);
    if (!parsed.ok) throw new Error(parsed.reason);
    const verdict = await new ImageVerifier(fake).verify(parsed.reference, await loadImagePolicy({ keys: [keyFile], insecureIgnoreTlog: true }));
    expect(verdict).toMatchObject({ status: 'invalid', reason: 'malformed' });
    expect(verdict.status === 'invalid' ? verdict.detail : '').toContain('does not match its digest');
  });
});
