import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanExport } from '../src/secrets/history/scan-export.js';

let repo = '';
const commits: string[] = [];
const PYPIRC = '[internal]\nrepository = https://pypi.example.org\nusername = deploy\npassword = Vq7mZ2xLp9Rt4bWk8s\n';

function git(...args: string[]): string {
  const result = spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@acme.test', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@acme.test' } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'rampart-path-detectors-'));
  git('init', '-q', '-b', 'main');
  // the same bytes first at a path no path-specific detector reads, then copied to .pypirc
  writeFileSync(path.join(repo, 'pypi-notes.txt'), PYPIRC);
  git('add', '.');
  git('commit', '-q', '-m', 'notes');
  commits.push(git('rev-parse', 'HEAD'));
  writeFileSync(path.join(repo, '.pypirc'), PYPIRC);
  // a new blob in the same commit: the stream sends it first, so the copied one is not at hand
  writeFileSync(path.join(repo, 'README.md'), 'docs\n');
  git('add', '.');
  git('commit', '-q', '-m', 'copy to .pypirc');
  commits.push(git('rev-parse', 'HEAD'));
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('whole-history scan and path-specific detectors', () => {
  it('reads a blob again when it reappears at a path only a path-specific detector reads', async () => {
    const { hits } = await scanExport(repo, ['--all'], 10 * 1024 * 1024);
    const pypirc = hits.filter((hit) => hit.ruleId === 'secret-pypirc-password');
    expect(pypirc.map((hit) => `${hit.commit} ${hit.path}:${hit.line}`)).toEqual([`${commits[1]} .pypirc:4`]);
  });
});
