import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rampart, STACK_FRAME } from './cli-run.js';

let dir: string;
let chart: string;
let keyring: string;
let otherKeyring: string;

/** A provenance file as `helm package --sign` writes it: Chart.yaml, `...`, the files section, clear-signed. */
function signProvenance(gnupgHome: string, archive: string, signer: string, sum?: string): void {
  const digest = sum ?? `sha256:${createHash('sha256').update(readFileSync(archive)).digest('hex')}`;
  const body = `apiVersion: v2\ndescription: A test chart\nname: demo\nversion: 0.1.0\n\n...\nfiles:\n  ${path.basename(archive)}: ${digest}\n`;
  writeFileSync(`${archive}.body`, body);
  execFileSync('gpg', ['--batch', '--yes', '--local-user', signer, '--clearsign', '--output', `${archive}.prov`, `${archive}.body`], { env: { ...process.env, GNUPGHOME: gnupgHome } });
}

function gpgHome(name: string, email: string): { home: string; exported: string } {
  const home = path.join(dir, `gnupg-${name}`);
  mkdirSync(home, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: home };
  execFileSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', `${name} <${email}>`, 'ed25519', 'sign', 'never'], { env, stdio: 'ignore' });
  const exported = path.join(dir, `${name}.gpg`);
  writeFileSync(exported, execFileSync('gpg', ['--batch', '--export', email], { env }));
  return { home, exported };
}

let publisher: { home: string; exported: string };
let stranger: { home: string; exported: string };

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rampart-chart-'));
  mkdirSync(path.join(dir, 'demo', 'templates'), { recursive: true });
  writeFileSync(path.join(dir, 'demo', 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  writeFileSync(path.join(dir, 'demo', 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: demo}\n');
  chart = path.join(dir, 'demo-0.1.0.tgz');
  execFileSync('tar', ['czf', chart, '-C', dir, 'demo']);
  publisher = gpgHome('publisher', 'charts@example.com');
  stranger = gpgHome('stranger', 'stranger@example.com');
  keyring = publisher.exported;
  otherKeyring = stranger.exported;
});

describe('rampart verify chart', () => {
  it('verifies a chart signed by a key of the keyring (exit 0, json)', async () => {
    signProvenance(publisher.home, chart, 'charts@example.com');
    const result = await rampart(['verify', 'chart', chart, '--keyring', keyring, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ verified: true, chart: 'demo', version: '0.1.0', signer: 'publisher <charts@example.com>' });
    expect(report['digest']).toBe(`sha256:${createHash('sha256').update(readFileSync(chart)).digest('hex')}`);
  });

  it('refuses a signer outside the keyring, a tampered archive and an altered provenance (exit 1)', async () => {
    signProvenance(publisher.home, chart, 'charts@example.com');
    expect((await rampart(['verify', 'chart', chart, '--keyring', otherKeyring])).stdout).toMatch(/not verified: .*untrusted-key/);

    const tampered = path.join(dir, 'tampered', 'demo-0.1.0.tgz');
    mkdirSync(path.dirname(tampered));
    writeFileSync(tampered, Buffer.concat([readFileSync(chart), Buffer.from('extra')]));
    writeFileSync(`${tampered}.prov`, readFileSync(`${chart}.prov`));
    const digest = await rampart(['verify', 'chart', tampered, '--keyring', keyring]);
    expect(digest.code).toBe(1);
    expect(digest.stdout).toContain('digest-mismatch');

    const altered = readFileSync(`${chart}.prov`, 'utf8').replace('description: A test chart', 'description: A test chart!');
    writeFileSync(`${tampered}.prov`, altered);
    writeFileSync(tampered, readFileSync(chart));
    const bad = await rampart(['verify', 'chart', tampered, '--keyring', keyring]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('bad-signature');
  });

  it('reports a provenance that lists another archive (exit 1) and bad input as errors (exit 2) without stack traces', async () => {
    signProvenance(publisher.home, chart, 'charts@example.com', 'sha256:00');
    const renamed = path.join(dir, 'renamed.tgz');
    writeFileSync(renamed, readFileSync(chart));
    writeFileSync(`${renamed}.prov`, readFileSync(`${chart}.prov`));
    expect((await rampart(['verify', 'chart', renamed, '--keyring', keyring])).stdout).toContain('not-listed');

    const missing = await rampart(['verify', 'chart', path.join(dir, 'nope.tgz'), '--keyring', keyring]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read chart archive');
    const notKeyring = await rampart(['verify', 'chart', chart, '--keyring', chart]);
    expect(notKeyring.code).toBe(2);
    expect(notKeyring.stderr).toContain('not an OpenPGP keyring');
    expect(missing.stderr + notKeyring.stderr).not.toMatch(STACK_FRAME);
  });
});
