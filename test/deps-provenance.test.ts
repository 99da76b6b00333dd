import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { gpgSigner, helmProvenance, packChart, startChartRepository, writeTree, type ChartRepository } from './helpers/deps-servers.js';

let work: string;
let charts: ChartRepository;
let publisher: Awaited<ReturnType<typeof gpgSigner>>;
let stranger: Awaited<ReturnType<typeof gpgSigner>>;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-deps-prov-'));
  charts = await startChartRepository();
  [publisher, stranger] = await Promise.all([gpgSigner(work, 'publisher'), gpgSigner(work, 'stranger')]);
});

afterAll(async () => {
  await charts?.close();
  await rm(work, { recursive: true, force: true });
});

const chartYaml = (name: string): string => `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: ${name}\n    version: 1.0.0\n    repository: ${charts.url}\n`;

describe('Helm provenance of fetched charts (--keyring)', () => {
  it('verifies the .prov with the existing verifier, locks the signer, and tells a provenance that does not verify', async () => {
    const archive = packChart('signed', '1.0.0', { 'values.yaml': 'replicas: 1\n' });
    charts.publish('signed', '1.0.0', archive, { provenance: await helmProvenance(publisher, 'signed', '1.0.0', archive) });
    const root = await writeTree(path.join(work, 'repo'), { 'Chart.yaml': chartYaml('signed') });
    const flags = ['--cache-dir', path.join(work, 'cache'), '-q'];

    const locked = await runCli(['deps', 'lock', root, ...flags, '--keyring', publisher.keyring]);
    expect(locked.stderr).toBe('');
    expect(locked.code).toBe(0);
    const lock = await readFile(path.join(root, 'rampart.lock'), 'utf8');
    expect(lock).toMatch(/signer: publisher <publisher@example\.com> \([0-9A-F]{16}\)/);
    expect(charts.hits('/signed-1.0.0.tgz.prov')).toBe(1);

    // without --keyring nothing is checked or recorded
    const unchecked = await runCli(['deps', 'fetch', root, ...flags]);
    expect(unchecked.code).toBe(0);

    // the stranger's keyring does not trust the publisher's signature
    const untrusted = await runCli(['deps', 'fetch', root, ...flags, '--keyring', stranger.keyring]);
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(/chart signed 1\.0\.0 \(.*\): the provenance \(\.prov\) does not verify: signed by key [0-9A-F]+, which is not in .*stranger\.gpg/);

    // re-signed by another key the keyring also trusts: the lock's signer no longer matches
    const both = path.join(work, 'both.gpg');
    await writeFile(both, Buffer.concat([await readFile(publisher.keyring), await readFile(stranger.keyring)]));
    charts.publish('signed', '1.0.0', archive, { provenance: await helmProvenance(stranger, 'signed', '1.0.0', archive) });
    const verified = await runCli(['deps', 'verify', root, ...flags, '--keyring', both, '-f', 'json']);
    const findings = JSON.parse(verified.stdout).findings as Array<{ ruleId: string; message: string }>;
    expect(findings.map((finding) => finding.ruleId)).toEqual(['dependency-content-changed']);
    expect(findings[0]?.message).toMatch(/was locked at signer publisher <publisher@example\.com> \(.+\) and now resolves to stranger <stranger@example\.com>/);
  });

  it('refuses a provenance whose digest is not the archive\'s (a republished archive under an old signature)', async () => {
    const original = packChart('moved', '1.0.0');
    const provenance = await helmProvenance(publisher, 'moved', '1.0.0', original);
    charts.publish('moved', '1.0.0', packChart('moved', '1.0.0', { 'values.yaml': 'image: evil.example/x:1\n' }), { provenance });
    const root = await writeTree(path.join(work, 'moved'), { 'Chart.yaml': chartYaml('moved') });
    const result = await runCli(['deps', 'fetch', root, '--cache-dir', path.join(work, 'cache'), '-q', '--keyring', publisher.keyring]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not verify: moved-1\.0\.0\.tgz has digest sha256:[0-9a-f]{64}, the provenance file signs sha256:[0-9a-f]{64}/);
  });
});
