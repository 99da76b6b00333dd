import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { fluxHelmRelease, fluxHelmRepository, packChart, pushHelmChart, writeTree } from './helpers/deps-servers.js';
import { startRegistry, type LocalRegistry } from './helpers/registry.js';
import { pushLegacySignatures, signBytes, simpleSigningPayload } from './verify-cosign-sign.js';

let work: string;
let registry: LocalRegistry;
const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let keyFile: string;
const fingerprint = `sha256:${createHash('sha256').update(trusted.publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-deps-signatures-'));
  registry = await startRegistry();
  keyFile = path.join(work, 'cosign.pub');
  await writeFile(keyFile, trusted.publicKey.export({ type: 'spki', format: 'pem' }));
});

afterAll(async () => {
  await registry?.stop();
  await rm(work, { recursive: true, force: true });
});

/** A chart pushed to the registry, signed as `cosign sign --key` stores it (the `.sig` tag of the manifest digest). */
async function pushSigned(name: string, signer: typeof trusted | undefined): Promise<string> {
  const digest = await pushHelmChart(registry, `charts/${name}`, '1.0.0', packChart(name, '1.0.0'), '1.0.0');
  if (signer) {
    const payload = simpleSigningPayload(`${registry.host}/charts/${name}`, digest);
    await pushLegacySignatures(registry, `charts/${name}`, digest, [{ payload, annotations: { 'dev.cosignproject.cosign/signature': signBytes(signer.privateKey, payload) } }]);
  }
  return digest;
}

describe('cosign signatures of OCI charts', () => {
  it('verifies them with --key, locks the signer (unsigned when there is none), and reports a stripped signature as dependency-content-changed', async () => {
    const digest = await pushSigned('signed', trusted);
    await pushSigned('plain', undefined);
    const root = await writeTree(path.join(work, 'repo'), {
      'flux.yaml': `${fluxHelmRepository(`oci://${registry.host}/charts`)}${fluxHelmRelease('signed', 'signed', '1.0.0')}${fluxHelmRelease('plain', 'plain', '1.0.0')}`,
    });
    const flags = ['--cache-dir', path.join(work, 'cache'), '--insecure-registry', registry.host, '-q', '--key', keyFile, '--insecure-ignore-tlog'];
    const locked = await runCli(['deps', 'lock', root, ...flags]);
    expect(locked.stderr).toBe('');
    expect(locked.code).toBe(0);
    const lock = await readFile(path.join(root, 'rampart.lock'), 'utf8');
    expect(lock).toContain(`chart: signed\n    asked: 1.0.0\n    version: 1.0.0\n    digest: ${digest}\n`);
    expect(lock).toContain(`cosignSigner: key ${fingerprint}\n`);
    expect(lock).toMatch(/chart: plain\n[^]*?cosignSigner: unsigned\n/);

    // without the key nothing is compared; with it, the same chart verifies
    expect((await runCli(['deps', 'verify', root, '--cache-dir', path.join(work, 'cache'), '--insecure-registry', registry.host, '-q', '-f', 'json'])).code).toBe(0);
    expect((await runCli(['deps', 'verify', root, ...flags, '-f', 'json'])).code).toBe(0);

    // the signature is taken away: the locked signer no longer holds
    await pushLegacySignatures(registry, 'charts/signed', digest, []);
    const stripped = await runCli(['deps', 'verify', root, ...flags, '-f', 'json']);
    const findings = JSON.parse(stripped.stdout).findings as Array<{ ruleId: string; message: string; location: { path: string } }>;
    expect(findings.map((finding) => [finding.ruleId, finding.location.path])).toEqual([['dependency-content-changed', 'flux.yaml']]);
    expect(findings[0]?.message).toContain(`was locked at cosign signer key ${fingerprint} and now resolves to unsigned`);
    expect(stripped.code).toBe(1);
  });

  it('refuses a chart whose signature does not verify with the trusted key, naming the chart', async () => {
    await pushSigned('forged', stranger);
    const root = await writeTree(path.join(work, 'forged'), {
      'flux.yaml': `${fluxHelmRepository(`oci://${registry.host}/charts`)}${fluxHelmRelease('forged', 'forged', '1.0.0')}`,
    });
    const result = await runCli(['deps', 'lock', root, '--cache-dir', path.join(work, 'cache'), '--insecure-registry', registry.host, '-q', '--key', keyFile, '--insecure-ignore-tlog']);
    expect(result.stderr).toContain(`not fetched: flux.yaml:15 HelmRelease/forged: chart ${registry.host}/charts/forged:1.0.0: the cosign signature does not verify (untrusted-key)`);
    expect(result.stderr).toContain('rampart.lock not written');
    expect(result.code).toBe(2);
  });

  it('says which flag is wrong when the key cannot be read', async () => {
    const root = await writeTree(path.join(work, 'no-key'), { 'flux.yaml': fluxHelmRepository(`oci://${registry.host}/charts`) });
    const result = await runCli(['deps', 'fetch', root, '--cache-dir', path.join(work, 'cache'), '-q', '--key', path.join(work, 'missing.pub')]);
    expect(result.stderr).toMatch(/^rampart: cosign signatures of OCI charts: cannot read public key .*missing\.pub \(ENOENT\)\n$/);
    expect(result.code).toBe(2);
  });
});
