import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefetchHistory } from '../../cli/prefetch-history.js';
import { fastExportArguments } from './fast-export.js';
import { adoptGit, discardPrefetchedGit, prefetchGit } from './git-run.js';
import { streamGit } from './stream-git.js';

let repo = '';

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'rampart-git-run-'));
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.test', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.test' } });
  git('init', '-q', '-b', 'main');
  for (let index = 0; index < 30; index += 1) {
    writeFileSync(path.join(repo, `file-${index}.txt`), `${'line\n'.repeat(2000)}${index}\n`);
    git('add', '.');
    git('commit', '-q', '-m', `commit ${index}`);
  }
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

async function collect(args: readonly string[]): Promise<string> {
  const chunks: Buffer[] = [];
  await streamGit(repo, args, '', { push: (chunk) => chunks.push(chunk), end: () => undefined });
  return Buffer.concat(chunks).toString('utf8');
}

describe('prefetched git runs', () => {
  const ARGS = ['log', '-p', '--format=%H'];

  it('are taken over by the same command in the same directory, with nothing lost', async () => {
    const direct = await collect(ARGS);
    prefetchGit(repo, ARGS);
    // let git run ahead: part of its output, or all of it, waits in memory
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await collect(ARGS)).toBe(direct);
    expect(adoptGit(repo, ARGS)).toBeUndefined();
  });

  it('are not taken over by another command, and are stopped when discarded', async () => {
    prefetchGit(repo, ARGS);
    expect(adoptGit(repo, ['log', '--format=%H'])).toBeUndefined();
    expect(adoptGit(path.join(repo, '..'), ARGS)).toBeUndefined();
    discardPrefetchedGit();
    expect(adoptGit(repo, ARGS)).toBeUndefined();
  });

  it('report a failure of the prefetched command as the scan would', async () => {
    const bad = ['log', '--no-such-option'];
    prefetchGit(repo, bad);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(collect(bad)).rejects.toThrow(/git log failed: .*no-such-option/);
  });
});

describe('prefetchHistory', () => {
  const EXPORT = fastExportArguments(['--all']);

  it('starts the whole-history export of the directory scan --history will read, and nothing for narrower scans', async () => {
    const previous = process.env['RAMPART_HISTORY_WORKERS'];
    process.env['RAMPART_HISTORY_WORKERS'] = '1';
    try {
      const started = (argv: string[]): boolean => {
        prefetchHistory(argv);
        const run = adoptGit(repo, EXPORT);
        run?.child.kill();
        discardPrefetchedGit();
        return run !== undefined;
      };
      expect(started(['scan', repo, '--history'])).toBe(true);
      expect(started(['scan', '-f', 'json', repo, '--history', '--layer', 'secrets'])).toBe(true);
      expect(started(['scan', repo])).toBe(false);
      expect(started(['scan', repo, '--history', '--since', 'HEAD~1'])).toBe(false);
      expect(started(['scan', repo, '--history', '-r', 'image-not-pinned'])).toBe(false);
      expect(started(['scan', repo, '--history', '--layer', 'operators'])).toBe(false);
      expect(started(['scan', '--history', '--layer', 'operators,secrets', repo])).toBe(true);
      expect(started(['scan', '--history', '--layer=secrets', repo])).toBe(true);
      expect(started(['scan', '--history', '-l', 'artifacts', '-l', 'operators', repo])).toBe(false);
      expect(started(['pin', repo, '--history'])).toBe(false);
    } finally {
      if (previous === undefined) delete process.env['RAMPART_HISTORY_WORKERS'];
      else process.env['RAMPART_HISTORY_WORKERS'] = previous;
    }
  });
});
