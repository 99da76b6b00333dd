import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../src/engine/fingerprint.js';
import type { Finding } from '../src/model/finding.js';
import { REPORTERS } from '../src/report/index.js';
import { scan } from '../src/scan.js';
import { withCrc32Base62Suffix } from '../src/secrets/checksum.js';
import { ALNUM, SampleRandom } from '../src/secrets/random.js';
import { secretHash } from '../src/secrets/redact.js';
import { scanExport } from '../src/secrets/history/scan-export.js';
import { scanHistory } from '../src/secrets/history/scan-history.js';
import type { HistoryHit } from '../src/secrets/history/history-hit.js';
import { findSecrets } from '../src/secrets/scan-text.js';
import { rampart } from './cli-run.js';

const secretOf = (text: string): string => findSecrets(text, 'x.yaml')[0]!.secret;

let root = '';
let repo = '';
const commits: Record<string, string> = {};

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Alice', GIT_AUTHOR_EMAIL: 'alice@acme.test', GIT_COMMITTER_NAME: 'Alice', GIT_COMMITTER_EMAIL: 'alice@acme.test', GIT_AUTHOR_DATE: '2025-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2025-01-02T03:04:05Z' } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function commit(name: string, files: Record<string, string | Buffer | null>, message = name): string {
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(repo, file);
    if (content === null) {
      git(repo, 'rm', '-q', file);
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    git(repo, 'add', file);
  }
  git(repo, 'commit', '-q', '-m', message);
  commits[name] = git(repo, 'rev-parse', 'HEAD');
  return commits[name]!;
}

// fresh tokens of the right shape and checksum, not the docs examples (SARIF embeds those as rule help)
const random = new SampleRandom('history-test');
const GITHUB = `GITHUB_TOKEN: ghp_${withCrc32Base62Suffix(random.chars(ALNUM, 30))}`;
const SLACK = `webhook: https://hooks.slack.com/services/T${random.chars('ABCDEFGHJK0123456789', 10)}/B${random.chars('ABCDEFGHJK0123456789', 10)}/${random.chars(ALNUM, 24)}`;
const NPM = `NPM_TOKEN=npm_${withCrc32Base62Suffix(random.chars(ALNUM, 30))}`;
const STRIPE = `stripe: sk_live_${random.chars(ALNUM, 32)}`;
const OPENAI = `OPENAI_API_KEY=sk-proj-${random.chars(ALNUM, 40)}T3BlbkFJ${random.chars(ALNUM, 40)}`;
const GITLAB = `GITLAB_TOKEN = "glpat-${random.chars(ALNUM, 20)}"`;
const ENCODED_TOKEN = `ghp_${withCrc32Base62Suffix(random.chars(ALNUM, 30))}`;
const PLAIN_SECRET = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: deployer\ntype: Opaque\ndata:\n  user: ${Buffer.from('deployer').toString('base64')}\n  token: ${Buffer.from(ENCODED_TOKEN).toString('base64')}\n`;
const SEALED_SECRET = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: deployer\nspec:\n  encryptedData:\n    token: AgBy8hCi8Z2cVnQkq0TzX1vYQm4P3wzkGv5lE4bqj0ZpR2Tn\n';

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'rampart-history-'));
  repo = path.join(root, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  commit('leak', { 'apps/api/config.yaml': `replicas: 2\n${GITHUB}\n` });
  git(repo, 'checkout', '-q', '-b', 'feature');
  commit('feature', { 'apps/api/feature.yaml': 'feature: true\n' });
  git(repo, 'checkout', '-q', 'main');
  commit('main-change', { 'apps/api/main.yaml': 'main: true\n' });
  git(repo, 'merge', '-q', '--no-ff', '--no-commit', 'feature');
  writeFileSync(path.join(repo, 'apps/api/merge.yaml'), `# written while resolving the merge\n${SLACK}\n`);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'merge feature');
  commits['merge'] = git(repo, 'rev-parse', 'HEAD');
  commit('plain-secret', { 'deploy/deployer.yaml': PLAIN_SECRET });
  commit('sealed', { 'deploy/deployer.yaml': SEALED_SECRET });
  commit('remove', { 'apps/api/config.yaml': null });
  commit('binary', { 'assets/blob.bin': Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(`${STRIPE}\n`)]) });
  commit('latin1', { 'legacy/notes.txt': Buffer.concat([Buffer.from([0xe9, 0xe8, 0x0a]), Buffer.from(`${OPENAI}\n`)]) });
  // Windows tools write UTF-16 with a byte order mark; git calls it binary, Rampart reads it
  commit('utf16', { 'legacy/deploy.ps1': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# deploy\r\n$${GITLAB}\r\n`, 'utf16le')]) });
  commit('still-here', { 'apps/web/.env': `# web\n${NPM}\n` });
  // shapes a history export must get through: a tag of a blob, a commit message in Latin-1, a submodule
  git(repo, 'tag', 'blob-tag', git(repo, 'rev-parse', 'HEAD:apps/web/.env'));
  git(repo, '-c', 'i18n.commitEncoding=ISO-8859-1', 'commit', '-q', '--allow-empty', '-m', 'caf\u00e9');
  git(repo, 'update-index', '--add', '--cacheinfo', `160000,${commits['leak']!},vendor/lib`);
  git(repo, 'commit', '-q', '-m', 'submodule');
  git(repo, 'checkout', '-q', '-b', 'stale', commits['leak']!);
  commit('stale', { 'apps/api/stale.yaml': `${STRIPE}\n` });
  git(repo, 'checkout', '-q', 'main');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const secrets = (findings: readonly Finding[]): Finding[] => findings.filter((finding) => finding.layer === 'secrets');
const historyScan = (settings: { since?: string; range?: string } = {}) =>
  scan(repo, { settings: { history: { enabled: true, ...settings } }, capabilities: new Set(['history']) });

describe('secrets in git history', () => {
  it('reports each credential once, at the commit that introduced it, on every branch and in merges', async () => {
    const { report } = await historyScan();
    const found = secrets(report.findings);
    const byRule = (id: string) => found.filter((finding) => finding.ruleId === id);
    const github = byRule('secret-github-token').filter((finding) => finding.location.path !== 'deploy/deployer.yaml');
    expect(github).toHaveLength(1);
    expect(github[0]).toMatchObject({
      location: { path: 'apps/api/config.yaml', line: 2 },
      properties: { commit: commits['leak'], author: 'Alice <alice@acme.test>', date: '2025-01-02T03:04:05+00:00' },
    });
    expect(byRule('secret-slack-webhook')[0]).toMatchObject({ location: { path: 'apps/api/merge.yaml', line: 2 }, properties: { commit: commits['merge'] } });
    expect(byRule('secret-stripe-key')).toHaveLength(1);
    expect(byRule('secret-stripe-key')[0]).toMatchObject({ location: { path: 'apps/api/stale.yaml' }, properties: { commit: commits['stale'] } });
    expect(byRule('secret-openai-api-key')[0]).toMatchObject({ location: { path: 'legacy/notes.txt', line: 2 }, properties: { commit: commits['latin1'] } });
    expect(byRule('secret-gitlab-pat')).toHaveLength(1);
    expect(byRule('secret-gitlab-pat')[0]).toMatchObject({ location: { path: 'legacy/deploy.ps1', line: 2 }, properties: { commit: commits['utf16'] } });
    const npm = byRule('secret-npm-token');
    expect(npm).toHaveLength(1);
    expect(npm[0]).toMatchObject({ location: { path: 'apps/web/.env', line: 2 }, properties: { commit: commits['still-here'], inWorkingTree: true } });
    expect(npm[0]!.fingerprint).toBe(fingerprint('secret-npm-token', 'apps/web/.env', secretHash(secretOf(NPM)), 0));
    expect(report.diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toMatch(/history: \d+ commits scanned; 1 blob skipped \(1 binary, 0 over/);
  });

  it('decodes the data of Secret manifests that history still holds; the token is reported by its detector alone', async () => {
    const { report } = await historyScan();
    const decoded = secrets(report.findings).filter((finding) => finding.location.path === 'deploy/deployer.yaml');
    expect(decoded.map((finding) => finding.ruleId).sort()).toEqual(['secret-github-token']);
    for (const finding of decoded) expect(finding).toMatchObject({ location: { line: 8, column: 10 }, properties: { commit: commits['plain-secret'], secretHash: secretHash(ENCODED_TOKEN) } });
    // the SealedSecret that replaced it is ciphertext: nothing at the commit that sealed it
    expect(secrets(report.findings).filter((finding) => finding.properties?.['commit'] === commits['sealed'])).toEqual([]);
    const rendered = Object.values(REPORTERS).map((reporter) => reporter(report, { color: false })).join('\n');
    expect(rendered).not.toContain(ENCODED_TOKEN);
    expect(rendered).not.toContain(Buffer.from(ENCODED_TOKEN).toString('base64'));
  });

  it('finds the same first occurrences when history is split across worker threads', async () => {
    const single = await scanHistory(repo, { maxFileSize: 1 << 20, workers: 1 });
    const parallel = await scanHistory(repo, { maxFileSize: 1 << 20, workers: 3 });
    // the single reader is one `git fast-export`; it must not have fallen back to `git log`
    const exported = await scanExport(repo, ['--all'], 1 << 20);
    const key = (hit: HistoryHit): string => `${hit.ruleId} ${hit.commit} ${hit.path}:${hit.line} ${hit.author} ${hit.date}`;
    expect(parallel.hits.map(key).sort()).toEqual(single.hits.map(key).sort());
    expect(exported.hits.map(key).sort()).toEqual(single.hits.map(key).sort());
    expect(parallel.commits).toBe(single.commits);
    expect(exported.commits).toBe(single.commits);
    expect(single.hits.length).toBeGreaterThanOrEqual(5);
  });

  it('never puts a full secret in any report format', async () => {
    const { report } = await historyScan();
    const rendered = Object.values(REPORTERS).map((reporter) => reporter(report, { color: false })).join('\n');
    for (const sample of [GITHUB, SLACK, NPM, STRIPE, OPENAI]) {
      const secret = secretOf(sample);
      expect(rendered).not.toContain(secret);
      expect(rendered).not.toContain(secret.slice(-12));
    }
    expect(rendered).toContain(secretOf(NPM).slice(0, 8));
  });

  it('limits history with --since and --range', async () => {
    const since = secrets((await historyScan({ since: commits['remove']! })).report.findings);
    expect(since.filter((finding) => finding.properties?.['commit'] !== undefined).map((finding) => finding.ruleId).sort())
      .toEqual(['secret-gitlab-pat', 'secret-npm-token', 'secret-openai-api-key']);
    const range = secrets((await historyScan({ range: `${commits['leak']}..${commits['merge']}` })).report.findings);
    expect(range.filter((finding) => finding.properties?.['commit'] !== undefined).map((finding) => finding.ruleId)).toEqual(['secret-slack-webhook']);
  });

  it('scans the index with --staged', async () => {
    const staged = path.join(root, 'staged');
    git(root, 'clone', '-q', repo, staged);
    writeFileSync(path.join(staged, 'new.yaml'), `${STRIPE}\n`);
    git(staged, 'add', 'new.yaml');
    writeFileSync(path.join(staged, 'new.yaml'), 'clean: true\n');
    const { report } = await scan(staged, { settings: { history: { enabled: false, staged: true } }, capabilities: new Set(['history']) });
    const found = secrets(report.findings).filter((finding) => finding.ruleId === 'secret-stripe-key');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ location: { path: 'new.yaml', line: 1 }, properties: { staged: true } });
  });

  it('with --staged, reads staged files whole but reports only what HEAD did not hold', async () => {
    const staged = path.join(root, 'staged-whole');
    git(root, 'clone', '-q', repo, staged);
    // the npm token is in HEAD already; the Stripe key and the Secret's encoded token are new
    writeFileSync(path.join(staged, 'apps/web/.env'), `# web\n${NPM}\n${STRIPE}\n`);
    mkdirSync(path.join(staged, 'deploy'), { recursive: true });
    writeFileSync(path.join(staged, 'deploy/new-secret.yaml'), PLAIN_SECRET.replace('deployer', 'ci'));
    git(staged, 'add', '.');
    const { report } = await scan(staged, { settings: { history: { enabled: false, staged: true } }, capabilities: new Set(['history']) });
    const described = secrets(report.findings).map((finding) => `${finding.ruleId} ${finding.location.path}:${finding.location.line}${finding.properties?.['staged'] ? ' staged' : ''}`);
    expect(described.sort()).toEqual([
      'secret-github-token deploy/new-secret.yaml:8 staged',
      'secret-gitlab-pat legacy/deploy.ps1:2',
      'secret-npm-token apps/web/.env:2',
      'secret-openai-api-key legacy/notes.txt:2',
      'secret-slack-webhook apps/api/merge.yaml:2',
      'secret-stripe-key apps/web/.env:3 staged',
    ]);
  });

  it('calls the history of a shallow clone incomplete', async () => {
    const shallow = path.join(root, 'shallow');
    git(root, 'clone', '-q', '--depth', '1', `file://${repo}`, shallow);
    const { report } = await scan(shallow, { settings: { history: { enabled: true } }, capabilities: new Set(['history']) });
    expect(report.diagnostics.some((diagnostic) => /shallow clone: history is incomplete/.test(diagnostic.message))).toBe(true);
    expect(report.complete).toBe(false);
  });

  it('skips and counts blobs over the size limit', async () => {
    const { report } = await scan(repo, { maxFileSize: 40, settings: { history: { enabled: true } }, capabilities: new Set(['history']) });
    expect(report.diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toMatch(/over 40 B/);
  });
});

describe('rampart scan --history (CLI)', () => {
  it('prints findings with their commit in JSON and exits 1', async () => {
    const result = await rampart(['scan', repo, '--history', '-f', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Finding[] };
    expect(report.findings.find((finding) => finding.ruleId === 'secret-slack-webhook')?.properties?.['commit']).toBe(commits['merge']);
  });

  it('finds the same findings when the built CLI reads history in worker threads', async () => {
    const single = await rampart(['scan', repo, '--history', '-f', 'json'], { env: { RAMPART_HISTORY_WORKERS: '1' } });
    const threaded = await rampart(['scan', repo, '--history', '-f', 'json'], { env: { RAMPART_HISTORY_WORKERS: '2' } });
    expect(threaded.stderr).toBe(single.stderr);
    const fingerprints = (stdout: string) => (JSON.parse(stdout) as { findings: Finding[] }).findings.map((finding) => `${finding.fingerprint} ${String(finding.properties?.['commit'])}`);
    expect(fingerprints(threaded.stdout)).toEqual(fingerprints(single.stdout));
    expect(fingerprints(single.stdout).length).toBeGreaterThan(0);
    const bad = await rampart(['scan', repo, '--history'], { env: { RAMPART_HISTORY_WORKERS: 'many' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/RAMPART_HISTORY_WORKERS/);
  });

  it('fails clearly, with exit 2, outside a git repository', async () => {
    const plain = path.join(root, 'plain');
    mkdirSync(plain, { recursive: true });
    const result = await rampart(['scan', plain, '--history']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a git repository/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
