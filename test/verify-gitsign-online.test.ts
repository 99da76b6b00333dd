import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifySettings } from '../src/engine/settings.js';
import { loadSignerTrust } from '../src/verify/commit-scan.js';
import { SignatureVerifier, type SignatureVerdict } from '../src/verify/commit-verifier.js';
import { splitSignedObject } from '../src/verify/git-object.js';
import { RekorSearch } from '../src/verify/rekor-search.js';
import { PROJECT, rampart } from './cli-run.js';
import { startFakeRekor, type FakeRekor, type FakeRekorLog } from './helpers/fake-rekor.js';
import { startServer, type TestServer } from './helpers/http-servers.js';
import { createRekorProofLog } from './verify-rekor-proof.js';
import { createRepo, git, ISSUER } from './helpers/gitsign-repos.js';
import { createTestSigstore, type TestSigstore } from './verify-sigstore-pki.js';

const run = promisify(execFile);

let dir: string;
let trustedRoot: string;
let sigstore: TestSigstore;
let rekor: FakeRekor;
let signer: string;



interface OnlineSign {
  /** which log the signer's upload goes to; `none`: nothing is logged */
  readonly log?: FakeRekorLog | 'none';
  /** the upload carries a signature over other bytes */
  readonly forged?: boolean;
}

let signatures = 0;

/** A commit signed as gitsign's default online mode signs: no entry in the signature, the commit id logged in Rekor. */
async function onlineCommit(repo: string, message: string, options: OnlineSign = {}): Promise<string> {
  const { pem, privateKey } = await sigstore.issueCertificate({ email: 'alice@example.com', issuer: ISSUER });
  const log = options.log ?? 'trusted';
  signatures += 1;
  const state = path.join(dir, `signer-${signatures}.json`);
  writeFileSync(state, JSON.stringify({
    certificatePem: pem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    rekorMode: 'online',
    ...(log === 'none' ? {} : { rekorUrl: `${rekor.url}/upload/${log}` }),
    ...(options.forged ? { forgeOnline: true } : {}),
  }));
  await git(repo, ['-c', 'gpg.format=x509', '-c', `gpg.x509.program=${signer}`, '-c', 'user.signingkey=alice@example.com',
    'commit', '-q', '--allow-empty', '-S', '-m', message], { RAMPART_GITSIGN_STATE: state });
  return git(repo, ['rev-parse', 'HEAD']);
}

const aliceOnly = (root = trustedRoot): VerifySettings => ({ trustedRoot: root, certificateIdentity: 'alice@example.com', certificateOidcIssuer: ISSUER });

async function verdictWith(repo: string, id: string, verify: VerifySettings, rekorSearch?: RekorSearch): Promise<SignatureVerdict> {
  const { stdout } = await run('git', ['-C', repo, 'cat-file', 'commit', id], { encoding: 'buffer' });
  const trust = await loadSignerTrust(verify);
  const verifier = new SignatureVerifier(rekorSearch ? { ...trust, rekor: rekorSearch } : trust);
  try {
    return await verifier.verify(id, splitSignedObject('commit', stdout));
  } finally {
    await verifier.close();
  }
}

let proofRoot: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rampart-gitsign-online-'));
  sigstore = await createTestSigstore();
  const proof = createRekorProofLog();
  rekor = await startFakeRekor({ trusted: sigstore, other: await createTestSigstore(), proof });
  trustedRoot = path.join(dir, 'trusted_root.json');
  writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
  proofRoot = path.join(dir, 'trusted_root_proof.json');
  const withProofLog = { ...sigstore.trustedRoot, tlogs: [...(sigstore.trustedRoot['tlogs'] as unknown[]), proof.trustedLog] };
  writeFileSync(proofRoot, JSON.stringify(withProofLog));
  signer = path.join(dir, 'gitsign');
  writeFileSync(signer, `#!/bin/sh\nexec "${process.execPath}" "${path.join(PROJECT, 'test', 'gitsign-test-signer.mjs')}" "$@"\n`);
  chmodSync(signer, 0o755);
});

afterAll(async () => rekor?.close());

describe('gitsign online mode: the Rekor entry looked up with --rekor-url', () => {
  let repo: string;
  const ids: Record<string, string> = {};
  const online = (): VerifySettings => ({ ...aliceOnly(), rekorUrl: rekor.url });

  beforeAll(async () => {
    repo = await createRepo(dir, 'units');
    ids['logged'] = await onlineCommit(repo, 'signed in online mode');
    ids['proof'] = await onlineCommit(repo, 'logged with an inclusion proof', { log: 'proof' });
    ids['unlogged'] = await onlineCommit(repo, 'never logged', { log: 'none' });
    ids['forged'] = await onlineCommit(repo, 'logged with a signature over other bytes', { forged: true });
    ids['otherLog'] = await onlineCommit(repo, 'logged in a Rekor outside the trusted root', { log: 'other' });
    ids['mallory'] = await onlineCommit(repo, 'logged only by mallory', { log: 'none' });
    const mallory = await sigstore.issueCertificate({ email: 'mallory@example.com', issuer: ISSUER });
    rekor.log(Buffer.from(ids['mallory']), mallory.privateKey, mallory.pem);
  });

  it('verifies an online-mode signature through POST /api/v1/index/retrieve and GET /api/v1/log/entries/{uuid}, once per signature', async () => {
    const before = rekor.requests.length;
    const { stdout } = await run('git', ['-C', repo, 'cat-file', 'commit', ids['logged'] ?? ''], { encoding: 'buffer' });
    const verifier = new SignatureVerifier(await loadSignerTrust(online()));
    const object = splitSignedObject('commit', stdout);
    expect(await verifier.verify(ids['logged'] ?? '', object)).toEqual({ status: 'trusted', format: 'x509', signer: `alice@example.com (issuer ${ISSUER})` });
    expect(await verifier.verify(ids['logged'] ?? '', object)).toMatchObject({ status: 'trusted' });
    await verifier.close();
    expect(rekor.requests.slice(before).map((request) => `${request.method} ${request.url.replace(/[0-9a-f]{64}$/, '{uuid}')}`))
      .toEqual(['POST /api/v1/index/retrieve', 'GET /api/v1/log/entries/{uuid}']);
  });

  it('verifies an entry with an inclusion proof and checkpoint as well as a SET', async () => {
    expect(await verdictWith(repo, ids['proof'] ?? '', { ...aliceOnly(proofRoot), rekorUrl: rekor.url })).toMatchObject({ status: 'trusted' });
  });

  it('cannot verify a signature Rekor has no entry for', async () => {
    expect(await verdictWith(repo, ids['unlogged'] ?? '', online())).toMatchObject({
      status: 'untrusted', reason: 'unverifiable', detail: expect.stringContaining(`Rekor at ${rekor.url} has no entry for ${ids['unlogged']}`),
    });
    expect(await verdictWith(repo, ids['mallory'] ?? '', online())).toMatchObject({
      reason: 'unverifiable', detail: expect.stringContaining('no entry for'),
    });
    expect((await verdictWith(repo, ids['mallory'] ?? '', online()) as { detail: string }).detail).toContain('only 1 by other certificates');
  });

  it('reports an entry whose signature is not over this commit as a bad signature', async () => {
    expect(await verdictWith(repo, ids['forged'] ?? '', online())).toMatchObject({
      reason: 'bad-signature', detail: expect.stringContaining(`the signature over ${ids['forged']} in the Rekor entry found at ${rekor.url}`),
    });
  });

  it('reports an entry of a Rekor log outside the trusted root as an unknown key', async () => {
    expect(await verdictWith(repo, ids['otherLog'] ?? '', online())).toMatchObject({ reason: 'unknown-key', detail: expect.stringContaining('Rekor log the trusted root does not list') });
  });

  it('without --rekor-url: unverifiable, with the hint to pass it or sign in offline mode', async () => {
    const verdict = await verdictWith(repo, ids['logged'] ?? '', aliceOnly());
    expect(verdict).toMatchObject({ reason: 'unverifiable', detail: expect.stringContaining('pass --rekor-url https://rekor.sigstore.dev') });
    expect((verdict as { detail: string }).detail).toContain('gitsign.rekorMode offline');
  });

  it('Rekor down or too slow: unverifiable with the cause, and no crash', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const down = await verdictWith(repo, ids['logged'] ?? '', aliceOnly(), new RekorSearch(closed.url, { retries: 0 }));
    expect(down).toMatchObject({ reason: 'unverifiable', detail: expect.stringMatching(/could not be looked up: Rekor at http:\/\/127\.0\.0\.1:\d+ is unreachable: cannot reach/) });

    const silent: TestServer = await startServer(() => new Promise<void>(() => undefined));
    try {
      const slow = await verdictWith(repo, ids['logged'] ?? '', aliceOnly(), new RekorSearch(silent.url, { timeoutMs: 300, retries: 0 }));
      expect(slow).toMatchObject({ reason: 'unverifiable', detail: expect.stringContaining('did not answer within 300 ms') });
    } finally {
      await silent.close();
    }

    const failing = await startServer((_request, response) => { response.statusCode = 503; response.end(); });
    try {
      const error = await verdictWith(repo, ids['logged'] ?? '', aliceOnly(), new RekorSearch(failing.url, { retries: 0 }));
      expect(error).toMatchObject({ reason: 'unverifiable', detail: expect.stringContaining('answered HTTP 503 to POST /api/v1/index/retrieve') });
    } finally {
      await failing.close();
    }
  });
});

describe('rampart scan --history … --rekor-url (built CLI)', () => {
  it('passes a history signed in online mode and logged in Rekor', async () => {
    const repo = await createRepo(dir, 'cli-online');
    await onlineCommit(repo, 'first');
    await onlineCommit(repo, 'second');
    const output = path.join(dir, 'report-cli-online.json');
    const result = await rampart(['scan', repo, '--history', '--trusted-root', trustedRoot, '--certificate-identity', 'alice@example.com',
      '--certificate-oidc-issuer', ISSUER, '--rekor-url', rekor.url, '-r', 'commit-signature-untrusted', '-r', 'commit-unsigned', '-f', 'json', '-o', output]);
    const report = JSON.parse(readFileSync(output, 'utf8')) as { findings: Array<{ ruleId: string }> };
    expect(report.findings, result.stderr).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
  });

  it('takes the Rekor URL from verify.commits.rekorUrl of .rampart.yaml as well', async () => {
    const repo = await createRepo(dir, 'cli-config');
    await onlineCommit(repo, 'signed in online mode');
    // files the repository's config names stay inside the repository
    copyFileSync(trustedRoot, path.join(repo, 'trusted_root.json'));
    writeFileSync(path.join(repo, '.rampart.yaml'), `verify:\n  trustedRoot: trusted_root.json\n  commits:\n    identity: alice@example.com\n    issuer: ${ISSUER}\n    rekorUrl: ${rekor.url}\n`);
    const output = path.join(dir, 'report-cli-config.json');
    const result = await rampart(['scan', repo, '-r', 'commit-signature-untrusted', '-f', 'json', '-o', output]);
    const report = JSON.parse(readFileSync(output, 'utf8')) as { findings: Array<{ ruleId: string }> };
    expect(report.findings, result.stderr).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
  });

  it('refuses a --rekor-url that is not an http(s) URL', async () => {
    const result = await rampart(['scan', dir, '--trusted-root', trustedRoot, '--certificate-identity', 'alice@example.com',
      '--certificate-oidc-issuer', ISSUER, '--rekor-url', 'rekor.sigstore.dev', '-f', 'json', '-o', path.join(dir, 'bad-url.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--rekor-url expects a URL');
  });
});
