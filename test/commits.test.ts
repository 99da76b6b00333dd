import { beforeAll, describe, expect, it } from 'vitest';
import type { VerifySettings } from '../src/engine/settings.js';
import type { Finding } from '../src/model/finding.js';
import { scan } from '../src/scan.js';
import { commitWithSignature, createSigningFixture, liftSignature, offHeadCommit, type SigningFixture } from './commits-repo.js';

let fixture: SigningFixture;
const ids: Record<string, string> = {};

beforeAll(() => {
  fixture = createSigningFixture();
  ids['unsigned'] = fixture.commit('initial, before signing was adopted');
  ids['alice'] = fixture.commit('signed by alice (ssh ed25519)', { signWith: 'ssh' });
  ids['grace'] = fixture.commit('signed by grace (openpgp)', { signWith: 'gpg' });
  ids['erin'] = fixture.commit('signed by erin (ssh ecdsa) under a wildcard principal', { signWith: 'ssh', sshKey: 'erin', email: 'ci@erin.example' });
  ids['eve'] = fixture.commit('signed by an openpgp key outside the keyring', { signWith: 'gpg', gpgKey: 'eve@example.com' });
  ids['mallory'] = fixture.commit('signed by an unknown key', { signWith: 'ssh', sshKey: 'mallory' });
  ids['impostor'] = fixture.commit('signed by alice as bob', { signWith: 'ssh', email: 'bob@example.com' });
  ids['carol'] = fixture.commit('signed by carol, whose key is for files only', { signWith: 'ssh', sshKey: 'carol' });
  ids['lifted'] = liftSignature(fixture, ids['alice'] ?? '', 'deploy a backdoor');
  ids['liftedPgp'] = liftSignature(fixture, ids['grace'] ?? '', 'deploy another backdoor');
  ids['gitsign'] = commitWithSignature(fixture, '-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQExDTALBglghkgBZQMEAgEwgAYJKoZIhvcNAQcB\n-----END SIGNED MESSAGE-----', 'signed with gitsign');
  fixture.git(['tag', '-a', 'v0.1.0', '-m', 'unsigned release', ids['alice'] ?? '']);
  fixture.git(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${fixture.sshKey('alice')}`, '-c', 'user.email=alice@example.com', 'tag', '-s', 'v0.2.0', '-m', 'signed release', ids['grace'] ?? '']);
  // Off HEAD: an unmerged feature branch (and its remote-tracking copy), and a commit only a signed tag reaches.
  ids['featureOnly'] = offHeadCommit(fixture, ids['grace'] ?? '', 'unmerged feature work', ['refs/heads/feature/unsigned-work', 'refs/remotes/origin/feature/unsigned-work']);
  ids['tagOnly'] = offHeadCommit(fixture, ids['erin'] ?? '', 'release fix on a deleted branch', []);
  fixture.git(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${fixture.sshKey('alice')}`, '-c', 'user.email=alice@example.com', 'tag', '-s', 'v0.1.1', '-m', 'signed patch release', ids['tagOnly'] ?? '']);
});

async function commitFindings(verify: VerifySettings, range?: string): Promise<readonly Finding[]> {
  const { report } = await scan(fixture.repo, {
    only: ['commit-unsigned', 'commit-signature-untrusted'],
    capabilities: new Set(['verify']),
    settings: { verify, ...(range ? { history: { enabled: true, range } } : {}) },
  });
  expect(report.complete, JSON.stringify(report.diagnostics)).toBe(true);
  return report.findings;
}

const byCommit = (findings: readonly Finding[]): Record<string, string> =>
  Object.fromEntries(findings.map((finding) => [String(finding.properties?.['tag'] ?? finding.properties?.['commit']), finding.ruleId]));

const name = (id: string): string => Object.entries(ids).find(([, value]) => value === id)?.[0] ?? id;

describe('commit signatures, verified by Rampart over raw objects', () => {
  it('reports unsigned commits on every ref, unknown keys, wrong principals, wrong namespaces and lifted signatures; trusts the rest', async () => {
    const findings = await commitFindings({ allowedSigners: fixture.allowedSigners, gpgKeyring: fixture.keyring });
    const named = Object.fromEntries(Object.entries(byCommit(findings)).map(([id, rule]) => [name(id), rule]));
    expect(named).toEqual({
      unsigned: 'commit-unsigned',
      eve: 'commit-signature-untrusted',
      mallory: 'commit-signature-untrusted',
      impostor: 'commit-signature-untrusted',
      carol: 'commit-signature-untrusted',
      lifted: 'commit-signature-untrusted',
      liftedPgp: 'commit-signature-untrusted',
      gitsign: 'commit-signature-untrusted',
      featureOnly: 'commit-unsigned',
      tagOnly: 'commit-unsigned',
    });
    const message = (key: string): string => findings.find((finding) => finding.properties?.['commit'] === ids[key])?.message ?? '';
    expect(message('eve')).toMatch(/OpenPGP key [0-9A-F]{16} is not in /);
    expect(message('mallory')).toMatch(/key SHA256:\S+ is not in the allowed signers/);
    expect(message('impostor')).toContain('not bob@example.com');
    expect(message('carol')).toContain('not allowed for namespace git');
    expect(message('lifted')).toContain('does not match the content');
    expect(message('gitsign')).toContain('x509 (gitsign/S/MIME) signature: it cannot be verified without a trusted root');
    expect(message('liftedPgp')).toMatch(/OpenPGP signature by [0-9A-F]{16} does not verify/);
    expect(message('unsigned')).not.toContain('not on HEAD');
    expect(message('featureOnly')).toContain('not on HEAD; reachable from feature/unsigned-work, origin/feature/unsigned-work');
    expect(message('tagOnly')).toContain('not on HEAD; reachable from tag v0.1.1');
    expect(findings.find((finding) => finding.properties?.['commit'] === ids['tagOnly'])?.properties).toMatchObject({ refs: 'tag v0.1.1' });
    const unsigned = findings.find((finding) => finding.properties?.['commit'] === ids['unsigned']);
    expect(unsigned?.properties).toMatchObject({ commit: ids['unsigned'], author: 'Test <alice@example.com>', date: '2026-01-02T03:04:05.000Z' });
  });

  it('without the keyring, OpenPGP signatures cannot be trusted', async () => {
    const findings = await commitFindings({ allowedSigners: fixture.allowedSigners });
    expect(findings.find((finding) => finding.properties?.['commit'] === ids['grace'])?.message).toContain('no --gpg-keyring');
  });

  it('--require-signed-since exempts older history on every ref, --range limits the commits to A..B', async () => {
    const since = await commitFindings({ allowedSigners: fixture.allowedSigners, gpgKeyring: fixture.keyring, requireSignedSince: ids['alice'] ?? '' });
    expect(Object.keys(byCommit(since)).map(name).sort()).toEqual(['carol', 'eve', 'featureOnly', 'gitsign', 'impostor', 'lifted', 'liftedPgp', 'mallory', 'tagOnly']);
    const range = await commitFindings({ allowedSigners: fixture.allowedSigners, gpgKeyring: fixture.keyring }, `${ids['mallory']}..HEAD`);
    expect(Object.keys(byCommit(range)).map(name).sort()).toEqual(['carol', 'gitsign', 'impostor', 'lifted', 'liftedPgp']);
  });

  it('--tags verifies annotated tags; an unsigned tag is reported', async () => {
    const findings = await commitFindings({ allowedSigners: fixture.allowedSigners, gpgKeyring: fixture.keyring, tags: true, requireSignedSince: ids['alice'] ?? '' });
    const tags = findings.filter((finding) => finding.properties?.['tag'] !== undefined);
    expect(tags.map((finding) => [finding.properties?.['tag'], finding.ruleId])).toEqual([['v0.1.0', 'commit-unsigned']]);
  });

  it('a bad allowed_signers line is a clear error naming the file and line', async () => {
    const { writeFileSync } = await import('node:fs');
    const bad = `${fixture.dir}/bad_signers`;
    writeFileSync(bad, 'alice@example.com ssh-ed25519 not-base64!!\n');
    const { report } = await scan(fixture.repo, { only: ['commit-unsigned'], capabilities: new Set(['verify']), settings: { verify: { allowedSigners: bad } } });
    expect(report.complete).toBe(false);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toContain(`${bad}:1:`);
  });
});
