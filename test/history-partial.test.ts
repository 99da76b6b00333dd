import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCrc32Base62Suffix } from '../src/secrets/checksum.js';
import { ALNUM, SampleRandom } from '../src/secrets/random.js';
import { listCommits } from '../src/sources/git/commit-objects.js';
import { repositoryInfo } from '../src/sources/git/git.js';
import { rampart } from './cli-run.js';

// Which repository the history scan reads, and what it says when part of that history is missing.

const random = new SampleRandom('history-partial');
const token = (): string => `ghp_${withCrc32Base62Suffix(random.chars(ALNUM, 30))}`;
const OLD_TOKEN = token();
const NEW_TOKEN = token();
const OTHER_TOKEN = token();
const STAGED_TOKEN = token();

let root = '';
let repo = '';
let other = '';
let oldBlob = '';
let oldCommit = '';

/** git with no repository selected by the test's own environment */
function git(cwd: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_AUTHOR_NAME: 'Alice', GIT_AUTHOR_EMAIL: 'alice@acme.test', GIT_COMMITTER_NAME: 'Alice', GIT_COMMITTER_EMAIL: 'alice@acme.test' };
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[key];
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function commitFile(cwd: string, file: string, content: string): string {
  mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
  writeFileSync(path.join(cwd, file), content);
  git(cwd, 'add', file);
  git(cwd, 'commit', '-q', '-m', `write ${file}`);
  return git(cwd, 'rev-parse', 'HEAD');
}

/** Turns a clone's packs into loose objects, so that single objects can be taken out. */
function unpackAll(clone: string): void {
  const packs = path.join(clone, '.git', 'objects', 'pack');
  for (const name of readdirSync(packs)) {
    const file = path.join(packs, name);
    const pack = name.endsWith('.pack') ? readFileSync(file) : undefined;
    unlinkSync(file);
    if (pack) expect(spawnSync('git', ['unpack-objects', '-q'], { cwd: clone, input: pack }).status).toBe(0);
  }
}

interface JsonReport {
  complete: boolean;
  findings: Array<{ ruleId: string; location: { path: string }; properties?: Record<string, unknown> }>;
  diagnostics: Array<{ path: string; message: string; kind: string }>;
}

const historyJson = async (directory: string, env: Record<string, string | undefined> = {}, extra: string[] = []) => {
  const result = await rampart(['scan', directory, '--history', '-l', 'secrets', '-f', 'json', ...extra], { env });
  return { ...result, report: JSON.parse(result.stdout) as JsonReport };
};
const tokensIn = (report: JsonReport): string[] => report.findings.filter((finding) => finding.ruleId === 'secret-github-token').map((finding) => `${finding.location.path}${finding.properties?.['commit'] ? ' (history)' : ''}`).sort();

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'rampart-partial-'));
  repo = path.join(root, 'repo');
  other = path.join(root, 'other');
  for (const directory of [repo, other]) {
    mkdirSync(directory);
    git(directory, 'init', '-q', '-b', 'main');
  }
  oldCommit = commitFile(repo, 'apps/old.env', `TOKEN=${OLD_TOKEN}\n`);
  oldBlob = git(repo, 'rev-parse', 'HEAD:apps/old.env');
  git(repo, 'rm', '-q', 'apps/old.env');
  git(repo, 'commit', '-q', '-m', 'remove old');
  commitFile(repo, 'apps/new.env', `TOKEN=${NEW_TOKEN}\n`);
  commitFile(repo, 'apps/readme.txt', 'nothing here\n');
  commitFile(other, 'elsewhere.env', `TOKEN=${OTHER_TOKEN}\n`);
  git(repo, 'config', 'uploadpack.allowFilter', 'true');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the repository a history scan reads', () => {
  it('is the one at PATH, whatever GIT_DIR and GIT_WORK_TREE in the environment say', async () => {
    const env = { GIT_DIR: path.join(other, '.git'), GIT_WORK_TREE: other, GIT_INDEX_FILE: path.join(other, '.git', 'index'), GIT_CEILING_DIRECTORIES: root };
    const { code, report } = await historyJson(repo, env);
    expect(tokensIn(report)).toEqual(['apps/new.env (history)', 'apps/old.env (history)']);
    expect(report.complete).toBe(true);
    expect(code).toBe(1);
  });

  it('is the one at PATH for every git reader in this process too (commit verification, repository info)', async () => {
    const expected = git(repo, 'rev-list', 'HEAD').split('\n');
    const saved = { ...process.env };
    Object.assign(process.env, { GIT_DIR: path.join(other, '.git'), GIT_WORK_TREE: other, GIT_OBJECT_DIRECTORY: path.join(other, '.git', 'objects') });
    try {
      expect(await listCommits(repo)).toEqual(expected);
      expect((await repositoryInfo(path.join(repo, 'apps'))).prefix).toBe('apps');
    } finally {
      for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_OBJECT_DIRECTORY']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it('is never reported complete when no commit was read', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    git(empty, 'init', '-q', '-b', 'main');
    const { code, report } = await historyJson(empty);
    expect(report.complete).toBe(false);
    expect(report.diagnostics.find((diagnostic) => diagnostic.kind === 'incomplete')?.message).toMatch(/no commits? (were )?read/);
    expect(code).toBe(2);
  });

  it('with --staged in a pre-commit hook, reads the index git is committing from', async () => {
    const hooked = path.join(root, 'hooked');
    git(root, 'clone', '-q', repo, hooked);
    // `git commit -a` stages into a temporary index and names it in GIT_INDEX_FILE for the hook
    writeFileSync(path.join(hooked, 'apps', 'readme.txt'), `TOKEN=${STAGED_TOKEN}\n`);
    const temporary = path.join(hooked, '.git', 'next-index-1.lock');
    const staged = spawnSync('git', ['update-index', '--add', 'apps/readme.txt'], { cwd: hooked, env: { ...process.env, GIT_INDEX_FILE: temporary } });
    expect(staged.status).toBe(0);
    const hook = await rampart(['scan', '.', '--staged', '-l', 'secrets', '-f', 'json'], { cwd: hooked, env: { GIT_INDEX_FILE: temporary, GIT_DIR: '.git' } });
    expect((JSON.parse(hook.stdout) as JsonReport).findings.some((finding) => finding.properties?.['staged'] === true)).toBe(true);
    // an index of another repository is not the one being committed
    const foreign = await rampart(['scan', '.', '--staged', '-l', 'secrets', '-f', 'json'], { cwd: hooked, env: { GIT_INDEX_FILE: path.join(other, '.git', 'index') } });
    expect((JSON.parse(foreign.stdout) as JsonReport).findings.some((finding) => finding.properties?.['staged'] === true)).toBe(false);
  });
});

describe('a partial history', () => {
  it('names a blob deleted from the object store, with its commit and path, and scans the rest', async () => {
    const damaged = path.join(root, 'damaged');
    git(root, 'clone', '-q', '--no-local', repo, damaged);
    // loose objects, so that one blob can be taken out
    unpackAll(damaged);
    unlinkSync(path.join(damaged, '.git', 'objects', oldBlob.slice(0, 2), oldBlob.slice(2)));
    const { code, report } = await historyJson(damaged);
    expect(report.complete).toBe(false);
    const missing = report.diagnostics.find((diagnostic) => diagnostic.kind === 'incomplete' && diagnostic.message.includes(oldBlob));
    expect(missing).toMatchObject({ path: 'apps/old.env' });
    expect(missing?.message).toContain(oldCommit.slice(0, 12));
    expect(tokensIn(report)).toContain('apps/new.env (history)');
    expect(code).toBe(2);
  });

  it('names where git stopped at a missing commit, and keeps what it read before', async () => {
    const broken = path.join(root, 'missing-commit');
    git(root, 'clone', '-q', '--no-local', repo, broken);
    unpackAll(broken);
    // the oldest commit is gone: git's walk stops there, after the newer commits
    unlinkSync(path.join(broken, '.git', 'objects', oldCommit.slice(0, 2), oldCommit.slice(2)));
    const { code, report } = await historyJson(broken);
    expect(report.complete).toBe(false);
    expect(report.diagnostics.find((diagnostic) => diagnostic.kind === 'incomplete')?.message).toMatch(/^history incomplete: git stopped listing commits \(.+\); the \d+ commits? listed before were scanned$/);
    expect(tokensIn(report)).toContain('apps/new.env (history)');
    expect(code).toBe(2);
  });

  it('scans what a blob:none partial clone holds, and names the blobs it does not (never fetching them)', async () => {
    const partial = path.join(root, 'partial');
    git(root, 'clone', '-q', '--filter=blob:none', `file://${repo}`, partial);
    const { code, report } = await historyJson(partial);
    expect(report.complete).toBe(false);
    expect(report.diagnostics.some((diagnostic) => diagnostic.kind === 'incomplete' && diagnostic.message.includes(oldBlob))).toBe(true);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toMatch(/1 blob missing/);
    expect(tokensIn(report)).toEqual(['apps/new.env (history)']);
    // still missing afterwards: the scan did not fetch it
    expect(spawnSync('git', ['cat-file', '-e', oldBlob], { cwd: partial, env: { ...process.env, GIT_NO_LAZY_FETCH: '1' } }).status).not.toBe(0);
    expect(code).toBe(2);
  });

  it('calls a shallow clone incomplete in every format, scanning the commits it has', async () => {
    const shallow = path.join(root, 'shallow');
    git(root, 'clone', '-q', '--depth', '1', `file://${repo}`, shallow);
    const { code, report } = await historyJson(shallow);
    expect(report.complete).toBe(false);
    expect(report.diagnostics.find((diagnostic) => diagnostic.kind === 'incomplete')?.message).toMatch(/shallow clone/);
    expect(tokensIn(report)).toContain('apps/new.env (history)');
    expect(code).toBe(2);
    const text = await rampart(['scan', shallow, '--history', '-l', 'secrets']);
    expect(text.stdout).toMatch(/scan incomplete/);
    const sarif = await rampart(['scan', shallow, '--history', '-l', 'secrets', '-f', 'sarif']);
    expect((JSON.parse(sarif.stdout) as { runs: Array<{ invocations: Array<{ executionSuccessful: boolean }> }> }).runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
  });

  it('calls a shallow clone complete for --since when the selected commits are all there', async () => {
    const shallow = path.join(root, 'shallow-2');
    git(root, 'clone', '-q', '--depth', '2', `file://${repo}`, shallow);
    const { code, report } = await historyJson(shallow, {}, ['--since', 'HEAD~1']);
    expect(report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
    expect(report.complete).toBe(true);
    expect(code).toBe(1);
  });

  it('with --since, says that a range without commits had nothing to scan', async () => {
    const { code, report } = await historyJson(repo, {}, ['--since', 'HEAD']);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message)).toContain('history: no commits in HEAD..HEAD, nothing to scan');
    expect(report.complete).toBe(true);
    expect(code).toBe(1);
  });
});
