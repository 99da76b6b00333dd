import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAddedLines } from '../src/sources/git/change-under-review.js';
import { rampart } from './cli-run.js';

const DIGEST = 'sha256:4aea012537edfad80f98d870a36e6b90b4c09b27be7f4b4759d72db863baeebb';
const GIT_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z' };

interface Repo {
  readonly dir: string;
  write(file: string, text: string): void;
  git(...args: string[]): string;
  commit(message: string, options?: { email?: string; sshKey?: string }): void;
}

function makeRepo(): Repo {
  const dir = mkdtempSync(path.join(tmpdir(), 'rampart-review-'));
  const git = (...args: string[]): string => execFileSync('git', ['-C', dir, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  return {
    dir,
    git,
    write(file, text) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    },
    commit(message, options = {}) {
      git('add', '-A');
      const signing = options.sshKey ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${options.sshKey}`] : [];
      git(...signing, '-c', `user.email=${options.email ?? 'test@example.com'}`, 'commit', '-q', ...(options.sshKey ? ['-S'] : []), '-m', message);
    },
  };
}

interface JsonFinding {
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
  readonly location: { readonly path: string; readonly line: number };
}

async function findings(args: readonly string[]): Promise<{ code: number | null; findings: JsonFinding[] }> {
  const result = await rampart(['scan', ...args, '-f', 'json', '-q']);
  expect(result.stderr).toBe('');
  return { code: result.code, findings: (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings };
}

const IN_CHANGE = ['suppression-in-change', 'image-not-pinned'].join(',');

const pod = (containers: string): string => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n${containers}`;

describe('a change scan judges a pull request by its base\'s policy', () => {
  it('reports what suppressions, config and baseline edits of the change would hide, and fails the gate as without them', async () => {
    const repo = makeRepo();
    repo.write('.rampart.yaml', 'failOn: high\n');
    repo.write('pod.yaml', pod([
      '    - name: a',
      '      # rampart-ignore image-not-pinned -- vendor image, pinned upstream',
      '      image: vendor/thing:1.0',
      '    - name: b',
      `      image: ghcr.io/acme/b@${DIGEST}`,
      '',
    ].join('\n')));
    repo.commit('base');
    repo.git('checkout', '-q', '-b', 'pr');
    repo.write('pod.yaml', pod([
      '    - name: a',
      '      # rampart-ignore image-not-pinned -- vendor image, pinned upstream',
      '      image: evil/miner:1.0',
      '    - name: b',
      '      image: ghcr.io/acme/b:2.0 # rampart-ignore -- fine',
      '    - name: c',
      '      image: evil/c:3',
      '',
    ].join('\n')));
    repo.write('.rampart.yaml', 'failOn: critical\nignore: ["other/**"]\nrules:\n  image-not-pinned: "off"\n');
    repo.commit('pr');
    // the pull request's own baseline lists what it adds
    const baseline = path.join(repo.dir, '.rampart-baseline.json');
    expect((await rampart(['baseline', repo.dir, '-o', baseline, '-q'])).code).toBe(0);
    repo.commit('baseline');

    const plain = await findings([repo.dir, '--baseline', baseline]);
    expect(plain.findings.map((finding) => finding.ruleId)).toEqual([]);
    expect(plain.code).toBe(0);

    const reviewed = await findings([repo.dir, '--since', 'main', '--baseline', baseline]);
    const shown = reviewed.findings.filter((finding) => finding.ruleId !== 'codeowners-missing').map((finding) => `${finding.ruleId} ${finding.severity} ${finding.location.path}:${finding.location.line}`);
    expect(shown.sort()).toEqual([
      'image-not-pinned high pod.yaml:12',
      'scan-policy-changed high .rampart-baseline.json:1',
      'scan-policy-changed high .rampart.yaml:1',
      'suppression-in-change high pod.yaml:10',
      'suppression-in-change high pod.yaml:7',
    ]);
    const messages = reviewed.findings.map((finding) => finding.message).join('\n');
    expect(messages).toContain('A rampart-ignore hides 1 finding(s) of image-not-pinned (up to high) on lines this change adds.');
    expect(messages).toContain('This change edits the config .rampart.yaml (modified); the scan applied the version of main');
    expect(reviewed.code).toBe(1);
  });

  it('lets the base\'s config set the severity of suppressions in a change; a directive that hides nothing is low', async () => {
    const repo = makeRepo();
    repo.write('.rampart.yaml', 'rules:\n  suppression-in-change: info\n');
    repo.write('sub/pod.yaml', pod(`    - name: a\n      image: ghcr.io/acme/a@${DIGEST}\n`));
    repo.commit('base');
    repo.git('checkout', '-q', '-b', 'pr');
    repo.write('sub/pod.yaml', pod(`    - name: a\n      image: ghcr.io/acme/a:1 # rampart-ignore image-not-pinned -- reviewed\n`));
    repo.write('sub/new.yaml', pod(`    - name: b # rampart-ignore image-latest-tag -- nothing here\n      image: ghcr.io/acme/b@${DIGEST}\n`));
    repo.commit('pr');
    const reviewed = await findings([repo.dir, '--since', 'main', '-r', IN_CHANGE]);
    expect(reviewed.findings.map((finding) => `${finding.severity} ${finding.location.path}:${finding.location.line}`)).toEqual(['info sub/new.yaml:6', 'info sub/pod.yaml:7']);
    expect(reviewed.code).toBe(0);

    repo.write('.rampart.yaml', '');
    repo.commit('config at the tip only');
    const subdirectory = await findings([path.join(repo.dir, 'sub'), '--since', 'main', '-r', IN_CHANGE]);
    expect(subdirectory.findings.map((finding) => `${finding.severity} ${finding.location.path}:${finding.location.line}`)).toEqual(['low new.yaml:6', 'high pod.yaml:7']);
  });

  it('checks commit signatures against the allowed signers of the base, not the ones the change adds', async () => {
    const repo = makeRepo();
    const keys = mkdtempSync(path.join(tmpdir(), 'rampart-review-keys-'));
    for (const name of ['alice', 'mallory']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path.join(keys, name)]);
    const signer = (name: string): string => `${name}@example.com ${readFileSync(path.join(keys, `${name}.pub`), 'utf8').trim()}\n`;
    repo.write('.github/allowed_signers', signer('alice'));
    repo.write('.rampart.yaml', 'verify:\n  commits:\n    allowedSigners: .github/allowed_signers\n');
    repo.commit('base', { email: 'alice@example.com', sshKey: path.join(keys, 'alice') });
    repo.git('checkout', '-q', '-b', 'pr');
    repo.write('.github/allowed_signers', signer('alice') + signer('mallory'));
    repo.commit('trust me', { email: 'mallory@example.com', sshKey: path.join(keys, 'mallory') });

    const plain = await findings([repo.dir, '-l', 'repository', '-r', 'commit-signature-untrusted,commit-unsigned,scan-policy-changed']);
    expect(plain.findings).toEqual([]);
    const reviewed = await findings([repo.dir, '--since', 'main', '-r', 'commit-signature-untrusted,commit-unsigned,scan-policy-changed']);
    expect(reviewed.findings.map((finding) => finding.ruleId).sort()).toEqual(['commit-signature-untrusted', 'scan-policy-changed']);
    expect(reviewed.findings.find((finding) => finding.ruleId === 'commit-signature-untrusted')?.message).toContain('is not in the allowed signers');
    // the flag names a file in the repository: read at the base too
    const flagged = await findings([repo.dir, '--since', 'main', '-c', '/dev/null', '--allowed-signers', path.join(repo.dir, '.github/allowed_signers'), '-r', 'commit-signature-untrusted']);
    expect(flagged.findings.map((finding) => finding.ruleId)).toEqual(['commit-signature-untrusted']);
  });
});

describe('parseAddedLines', () => {
  it('reads the new side of -U0 hunks, single lines, deletions and quoted paths', () => {
    const diff = [
      'diff --git a/a.yaml b/a.yaml',
      '--- a/a.yaml',
      '+++ b/a.yaml',
      '@@ -3 +3 @@',
      '@@ -10,0 +11,2 @@',
      '@@ -20,2 +22,0 @@',
      'diff --git "a/sp ace\\303\\251.yaml" "b/sp ace\\303\\251.yaml"',
      '--- /dev/null',
      '+++ "b/sp ace\\303\\251.yaml"',
      '@@ -0,0 +1,3 @@',
      '--- a/gone.yaml',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '',
    ].join('\n');
    const added = parseAddedLines(diff);
    expect([...added.keys()]).toEqual(['a.yaml', 'sp aceé.yaml']);
    expect([...added.get('a.yaml')!]).toEqual([3, 11, 12]);
    expect([...added.get('sp aceé.yaml')!]).toEqual([1, 2, 3]);
  });
});
