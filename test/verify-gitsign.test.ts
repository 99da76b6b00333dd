import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifySettings } from '../src/engine/settings.js';
import { scan } from '../src/scan.js';
import { loadSignerTrust } from '../src/verify/commit-scan.js';
import { SignatureVerifier, type SignatureVerdict } from '../src/verify/commit-verifier.js';
import { splitSignedObject } from '../src/verify/git-object.js';
import { PROJECT, rampart } from './cli-run.js';
import { createRepo, git, ISSUER } from './helpers/gitsign-repos.js';
import { createTestSigstore, type TestSigstore } from './verify-sigstore-pki.js';

const run = promisify(execFile);

interface SignOptions {
  readonly email?: string;
  /** which Sigstore instance issues the certificate, and which one logs the signature */
  readonly ca?: 'trusted' | 'other';
  /** `forged`: the trusted log's entry for other content, passed off as this signature's */
  readonly log?: 'trusted' | 'other' | 'forged' | 'none';
  readonly garbage?: boolean;
}

let dir: string;
let trustedRoot: string;
let sigstores: Record<'trusted' | 'other', TestSigstore>;
let rekor: Server;
let rekorUrl: string;
let signer: string;

/** A fake Rekor: logs what the test signer uploads, as `rekorAnnotation` makes entries. */
async function startRekor(): Promise<void> {
  rekor = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const upload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { artifact: string; signature: string; certificate: string };
      const log = request.url === '/other' ? sigstores.other : sigstores.trusted;
      const artifact = request.url === '/forged' ? Buffer.from('another artifact') : Buffer.from(upload.artifact, 'base64');
      response.end(log.rekorAnnotation(artifact, upload.signature, upload.certificate));
    });
  });
  await new Promise<void>((resolve) => rekor.listen(0, '127.0.0.1', resolve));
  rekorUrl = `http://127.0.0.1:${(rekor.address() as AddressInfo).port}`;
}



let signatures = 0;

/** `git commit -S` with gpg.format=x509 and the test signer as gpg.x509.program, as gitsign is set up. */
async function signedCommit(repo: string, message: string, options: SignOptions = {}): Promise<string> {
  const { pem, privateKey } = await sigstores[options.ca ?? 'trusted'].issueCertificate({ email: options.email ?? 'alice@example.com', issuer: ISSUER });
  const log = options.log ?? 'trusted';
  signatures += 1;
  const state = path.join(dir, `signer-${signatures}.json`);
  writeFileSync(state, JSON.stringify({
    certificatePem: pem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    ...(log === 'none' ? {} : { rekorUrl: `${rekorUrl}/${log}` }),
    ...(options.garbage ? { garbage: true } : {}),
  }));
  await git(repo, ['-c', 'gpg.format=x509', '-c', `gpg.x509.program=${signer}`, '-c', 'user.signingkey=alice@example.com',
    'commit', '-q', '--allow-empty', '-S', '-m', message], { RAMPART_GITSIGN_STATE: state });
  return git(repo, ['rev-parse', 'HEAD']);
}

/** `git tag -s` with the same x509 signer: gitsign signs annotated tags the way it signs commits. */
async function signedTag(repo: string, name: string, target: string, options: SignOptions = {}): Promise<void> {
  const { pem, privateKey } = await sigstores[options.ca ?? 'trusted'].issueCertificate({ email: options.email ?? 'alice@example.com', issuer: ISSUER });
  signatures += 1;
  const state = path.join(dir, `signer-${signatures}.json`);
  writeFileSync(state, JSON.stringify({ certificatePem: pem, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }), rekorUrl: `${rekorUrl}/trusted` }));
  await git(repo, ['-c', 'gpg.format=x509', '-c', `gpg.x509.program=${signer}`, '-c', 'user.signingkey=alice@example.com',
    'tag', '-s', name, '-m', `release ${name}`, target], { RAMPART_GITSIGN_STATE: state });
}

/** `signedId`'s signature on a commit with another message: what an attacker who copies a signature writes. */
async function liftSignature(repo: string, signedId: string, message: string): Promise<string> {
  const raw = await git(repo, ['cat-file', 'commit', signedId]);
  const blank = raw.indexOf('\n\n');
  const file = path.join(dir, `lifted-${signedId}`);
  writeFileSync(file, `${raw.slice(0, blank)}\n\n${message}\n`);
  return git(repo, ['hash-object', '-t', 'commit', '-w', file]);
}

async function verdict(repo: string, id: string, verify: VerifySettings): Promise<SignatureVerdict> {
  const { stdout } = await run('git', ['-C', repo, 'cat-file', 'commit', id], { encoding: 'buffer' });
  return new SignatureVerifier(await loadSignerTrust(verify)).verify(id, splitSignedObject('commit', stdout));
}

const aliceOnly = (): VerifySettings => ({ trustedRoot, certificateIdentity: 'alice@example.com', certificateOidcIssuer: ISSUER });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rampart-gitsign-'));
  sigstores = { trusted: await createTestSigstore(), other: await createTestSigstore() };
  trustedRoot = path.join(dir, 'trusted_root.json');
  writeFileSync(trustedRoot, JSON.stringify(sigstores.trusted.trustedRoot));
  signer = path.join(dir, 'gitsign');
  writeFileSync(signer, `#!/bin/sh\nexec "${process.execPath}" "${path.join(PROJECT, 'test', 'gitsign-test-signer.mjs')}" "$@"\n`);
  chmodSync(signer, 0o755);
  await startRekor();
});

afterAll(() => new Promise<void>((resolve) => (rekor ? rekor.close(() => resolve()) : resolve())));

describe('gitsign (x509 CMS) commit signatures', () => {
  let repo: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    repo = await createRepo(dir, 'units');
    ids['valid'] = await signedCommit(repo, 'signed by alice with gitsign');
    ids['mallory'] = await signedCommit(repo, 'signed by mallory', { email: 'mallory@example.com' });
    ids['otherCa'] = await signedCommit(repo, 'certificate from another CA', { ca: 'other' });
    ids['otherLog'] = await signedCommit(repo, 'logged in another Rekor', { log: 'other' });
    ids['forgedLog'] = await signedCommit(repo, 'with a Rekor entry of something else', { log: 'forged' });
    ids['online'] = await signedCommit(repo, 'signed in online mode', { log: 'none' });
    ids['garbage'] = await signedCommit(repo, 'garbage signature', { garbage: true });
    ids['lifted'] = await liftSignature(repo, ids['valid'] ?? '', 'deploy a backdoor');
  });

  it('git wrote the signature as gitsign does: a SIGNED MESSAGE block in the gpgsig header', async () => {
    const raw = await git(repo, ['cat-file', 'commit', ids['valid'] ?? '']);
    expect(raw).toMatch(/^gpgsig -----BEGIN SIGNED MESSAGE-----$/m);
  });

  it('trusts a valid signature by the trusted identity, and shows who signed', async () => {
    expect(await verdict(repo, ids['valid'] ?? '', aliceOnly())).toEqual({ status: 'trusted', format: 'x509', signer: `alice@example.com (issuer ${ISSUER})` });
    const byRegexp = await verdict(repo, ids['valid'] ?? '', { trustedRoot, certificateIdentityRegexp: '@example\\.com$', certificateOidcIssuerRegexp: '^https://issuer\\.' });
    expect(byRegexp.status).toBe('trusted');
  });

  it('reports another identity as not allowed', async () => {
    expect(await verdict(repo, ids['mallory'] ?? '', aliceOnly())).toMatchObject({ status: 'untrusted', reason: 'not-allowed', detail: expect.stringContaining('by mallory@example.com') });
    const wrongIssuer = await verdict(repo, ids['valid'] ?? '', { trustedRoot, certificateIdentity: 'alice@example.com', certificateOidcIssuer: 'https://accounts.example' });
    expect(wrongIssuer).toMatchObject({ reason: 'not-allowed', detail: expect.stringContaining('issuer is not https://accounts.example') });
  });

  it('reports a signature lifted onto another commit as a bad signature', async () => {
    expect(await verdict(repo, ids['lifted'] ?? '', aliceOnly())).toMatchObject({ status: 'untrusted', reason: 'bad-signature', detail: expect.stringContaining('signature copied from another one') });
  });

  it('reports a Rekor entry that was not made for this signature as a bad signature', async () => {
    expect(await verdict(repo, ids['forgedLog'] ?? '', aliceOnly())).toMatchObject({ reason: 'bad-signature', detail: expect.stringContaining('Rekor entry of the gitsign signature by alice@example.com does not verify') });
  });

  it('reports a certificate from a CA outside the trusted root, or a Rekor log outside it, as an unknown key', async () => {
    expect(await verdict(repo, ids['otherCa'] ?? '', aliceOnly())).toMatchObject({ reason: 'unknown-key', detail: expect.stringContaining('certificate of alice@example.com is not trusted') });
    expect(await verdict(repo, ids['otherLog'] ?? '', aliceOnly())).toMatchObject({ reason: 'unknown-key', detail: expect.stringContaining('Rekor log the trusted root does not list') });
  });

  it('cannot verify without a trusted root, without an embedded Rekor entry or without a trusted identity', async () => {
    expect(await verdict(repo, ids['valid'] ?? '', {})).toMatchObject({ reason: 'unverifiable', detail: expect.stringContaining('without a trusted root') });
    expect(await verdict(repo, ids['online'] ?? '', aliceOnly())).toMatchObject({ reason: 'unverifiable', detail: expect.stringContaining('without an embedded Rekor entry') });
    expect(await verdict(repo, ids['valid'] ?? '', { trustedRoot })).toMatchObject({ reason: 'unverifiable', detail: expect.stringContaining('give --certificate-identity') });
  });

  it('reports a signature that is not CMS without crashing', async () => {
    expect(await verdict(repo, ids['garbage'] ?? '', aliceOnly())).toMatchObject({ status: 'untrusted', reason: 'unverifiable', detail: expect.stringContaining('unreadable x509 (gitsign) signature') });
  });

  it('an identity flag without its issuer is a clear error', async () => {
    await expect(loadSignerTrust({ trustedRoot, certificateIdentity: 'alice@example.com' })).rejects.toThrow(/needs --certificate-oidc-issuer/);
  });

  it('scan() reports every untrusted gitsign commit and trusts the valid one', async () => {
    const { report } = await scan(repo, { only: ['commit-signature-untrusted'], capabilities: new Set(['verify']), settings: { verify: aliceOnly() } });
    expect(report.complete, JSON.stringify(report.diagnostics)).toBe(true);
    const reported = report.findings.map((finding) => String(finding.properties?.['commit']));
    // The lifted commit is not reachable from HEAD; every other bad one is.
    expect(reported.sort()).toEqual([ids['mallory'], ids['otherCa'], ids['otherLog'], ids['forgedLog'], ids['online'], ids['garbage']].sort());
    expect(report.findings.find((finding) => finding.properties?.['commit'] === ids['mallory'])?.properties).toMatchObject({ signatureFormat: 'x509', reason: 'not-allowed' });
  });
});

describe('gitsign-signed tags (--tags)', () => {
  it('trusts a tag signed by the trusted identity and reports one signed by someone else', async () => {
    const repo = await createRepo(dir, 'tags');
    const head = await signedCommit(repo, 'release commit');
    await signedTag(repo, 'v1.0.0', head);
    await signedTag(repo, 'v1.0.1', head, { email: 'mallory@example.com' });
    const raw = await git(repo, ['cat-file', 'tag', 'v1.0.0']);
    expect(raw).toContain('-----BEGIN SIGNED MESSAGE-----');
    const { report } = await scan(repo, { only: ['commit-signature-untrusted', 'commit-unsigned'], capabilities: new Set(['verify']), settings: { verify: { ...aliceOnly(), tags: true } } });
    expect(report.complete, JSON.stringify(report.diagnostics)).toBe(true);
    const byTag = report.findings.filter((finding) => finding.properties?.['tag'] !== undefined)
      .map((finding) => [finding.properties?.['tag'], finding.ruleId, finding.properties?.['reason']]);
    expect(byTag).toEqual([['v1.0.1', 'commit-signature-untrusted', 'not-allowed']]);
    expect(report.findings.filter((finding) => finding.properties?.['tag'] === undefined)).toEqual([]);
  });
});

describe('rampart scan --history --trusted-root … --certificate-identity … (built CLI)', () => {
  const cliScan = async (repo: string): Promise<{ code: number | null; ruleIds: string[]; stderr: string }> => {
    const output = path.join(dir, `report-${path.basename(repo)}.json`);
    const result = await rampart(['scan', repo, '--history', '--trusted-root', trustedRoot,
      '--certificate-identity', 'alice@example.com', '--certificate-oidc-issuer', ISSUER, '-f', 'json', '-o', output]);
    const report = JSON.parse(readFileSync(output, 'utf8')) as { findings: Array<{ ruleId: string }> };
    return { code: result.code, ruleIds: report.findings.map((finding) => finding.ruleId), stderr: result.stderr };
  };

  it('passes a history signed by the trusted identity', async () => {
    const repo = await createRepo(dir, 'cli-good');
    await signedCommit(repo, 'first');
    await signedCommit(repo, 'second');
    const result = await cliScan(repo);
    expect(result.ruleIds, result.stderr).not.toContain('commit-signature-untrusted');
    expect(result.ruleIds).not.toContain('commit-unsigned');
    expect(result.code, result.stderr).toBe(0);
  });

  it('fails on a commit signed by someone else', async () => {
    const repo = await createRepo(dir, 'cli-bad');
    await signedCommit(repo, 'first');
    await signedCommit(repo, 'pushed by mallory', { email: 'mallory@example.com' });
    const result = await cliScan(repo);
    expect(result.ruleIds.filter((id) => id === 'commit-signature-untrusted')).toHaveLength(1);
    expect(result.code, result.stderr).toBe(1);
  });
});
