import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptGit, discardPrefetchedGit, prefetchGit } from './git-run.js';
import { openSpool, spoolDirectory } from './spool.js';
import { streamGit, type StreamConsumer } from './stream-git.js';

let root = '';
let repo = '';
const LOG = ['log', '-p', '--format=%H %s'];

function git(...args: string[]): string {
  const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.test', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.test' } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'rampart-spool-'));
  repo = path.join(root, 'repo');
  spawnSync('git', ['init', '-q', '-b', 'main', repo]);
  // several MB of `git log -p`: the spool is read in more than one chunk
  for (let index = 0; index < 12; index += 1) {
    writeFileSync(path.join(repo, `file-${index}.txt`), `${`line ${index} `.repeat(40_000)}\n`);
    git('add', '.');
    git('commit', '-q', '-m', `commit ${index}`);
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const collector = (): StreamConsumer & { text(): string } => {
  const chunks: Buffer[] = [];
  return { push: (chunk) => chunks.push(chunk), end: () => undefined, text: () => Buffer.concat(chunks).toString('utf8') };
};

const leftovers = (): string[] => readdirSync(path.join(repo, '.git')).filter((name) => name.startsWith('rampart-history-'));

describe('spooled git output', () => {
  it('streams exactly what the pipe streams, and leaves no file behind', async () => {
    const piped = collector();
    await streamGit(repo, LOG, '', piped);
    const spooled = collector();
    await streamGit(repo, LOG, '', spooled, path.join(repo, '.git'));
    expect(piped.text().length).toBeGreaterThan(2 * 1024 * 1024);
    expect(spooled.text()).toBe(piped.text());
    expect(leftovers()).toEqual([]);
  });

  it('is taken over from a prefetched run, and a discarded one is stopped', async () => {
    const expected = collector();
    await streamGit(repo, LOG, '', expected);
    prefetchGit(repo, LOG, path.join(repo, '.git'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const adopted = collector();
    await streamGit(repo, LOG, '', adopted);
    expect(adopted.text()).toBe(expected.text());
    prefetchGit(repo, LOG, path.join(repo, '.git'));
    discardPrefetchedGit();
    expect(adoptGit(repo, LOG)).toBeUndefined();
    expect(leftovers()).toEqual([]);
  });

  it('reports git failures and consumer errors as the pipe does', async () => {
    await expect(streamGit(repo, ['log', '--no-such-option'], '', collector(), path.join(repo, '.git'))).rejects.toThrow(/git log failed: .*no-such-option/);
    const failing: StreamConsumer = { push: () => { throw new Error('consumer broke'); }, end: () => undefined };
    await expect(streamGit(repo, LOG, '', failing, path.join(repo, '.git'))).rejects.toThrow('consumer broke');
  });

  it('falls back to a pipe where no spool file can be made', async () => {
    expect(openSpool(path.join(root, 'no-such-directory'))).toBeUndefined();
    const fallback = collector();
    await streamGit(repo, ['log', '--format=%s'], '', fallback, path.join(root, 'no-such-directory'));
    expect(fallback.text().split('\n')[0]).toBe('commit 11');
  });
});

describe('spoolDirectory', () => {
  it('is the git directory of a repository whose packs are small enough, and nothing outside git', () => {
    expect(spoolDirectory(repo)).toBe(path.join(repo, '.git'));
    expect(spoolDirectory(path.join(repo, '..'))).toBeUndefined();
    git('gc', '-q');
    expect(spoolDirectory(repo, 1)).toBeUndefined();
    expect(spoolDirectory(repo)).toBe(path.join(repo, '.git'));
  });
});
