import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rampart } from './cli-run.js';
import { createSigningFixture, type SigningFixture } from './commits-repo.js';

interface JsonReport {
  readonly complete: boolean;
  readonly findings: ReadonlyArray<{ ruleId: string; properties?: Record<string, unknown> }>;
  readonly diagnostics: ReadonlyArray<{ message: string; kind: string }>;
}

let fixture: SigningFixture;
const ids: Record<string, string> = {};
const output = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-commits-config-')), 'report.json');

beforeAll(() => {
  fixture = createSigningFixture();
  ids['unsigned'] = fixture.commit('before signing');
  ids['alice'] = fixture.commit('signed by alice', { signWith: 'ssh' });
  ids['mallory'] = fixture.commit('signed by mallory', { signWith: 'ssh', sshKey: 'mallory' });
  // relative to the config file, which sits at the top of the repository (and must stay inside it)
  mkdirSync(path.join(fixture.repo, '.github'));
  copyFileSync(fixture.allowedSigners, path.join(fixture.repo, '.github', 'allowed_signers'));
  writeFileSync(path.join(fixture.repo, '.rampart.yaml'), 'verify:\n  commits:\n    allowedSigners: .github/allowed_signers\n');
});

async function scanJson(directory: string, flags: readonly string[] = []): Promise<{ code: number | null; report: JsonReport; byCommit: Record<string, string> }> {
  const result = await rampart(['scan', directory, '-f', 'json', '-o', output, ...flags]);
  expect(result.stderr).not.toMatch(/invalid configuration/);
  const report = JSON.parse(readFileSync(output, 'utf8')) as JsonReport;
  const names = Object.fromEntries(Object.entries(ids).map(([key, id]) => [id, key]));
  const byCommit = Object.fromEntries(report.findings
    .filter((finding) => finding.properties?.['commit'] !== undefined)
    .map((finding) => [names[String(finding.properties?.['commit'])] ?? '?', finding.ruleId]));
  return { code: result.code, report, byCommit };
}

describe('verify.commits in .rampart.yaml, plain `rampart scan` (built CLI)', () => {
  it('checks every commit against the configured allowed signers without any flag', async () => {
    const { code, report, byCommit } = await scanJson(fixture.repo);
    expect(report.complete, JSON.stringify(report.diagnostics)).toBe(true);
    expect(byCommit).toEqual({ unsigned: 'commit-unsigned', mallory: 'commit-signature-untrusted' });
    expect(code).toBe(1);
  });

  it('lets --allowed-signers on the command line win over the config', async () => {
    const mallory = readFileSync(`${fixture.sshKey('mallory')}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const malloryOnly = path.join(fixture.dir, 'mallory_signers');
    writeFileSync(malloryOnly, `mallory@example.com namespaces="git" ${mallory}\n`);
    const { byCommit } = await scanJson(fixture.repo, ['--allowed-signers', malloryOnly]);
    expect(byCommit).toEqual({ unsigned: 'commit-unsigned', alice: 'commit-signature-untrusted' });
  });

  it('outside git, notes that commits were not checked and does not fail the scan', async () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'rampart-not-git-'));
    writeFileSync(path.join(plain, '.rampart.yaml'), `verify:\n  commits:\n    allowedSigners: ${fixture.allowedSigners}\n`);
    const { code, report } = await scanJson(plain);
    expect(code).toBe(0);
    expect(report.complete).toBe(true);
    expect(report.diagnostics).toContainEqual({ path: '.', kind: 'note', message: `commit signatures not checked: ${plain} is not a git repository` });
  });
});
