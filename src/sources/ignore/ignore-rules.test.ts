import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { Glob } from './glob.js';
import { IgnoreRules } from './ignore-rules.js';

const PATTERNS = [
  '# comment', '', '*.log', '!keep.log', 'build/', '/root-only.yaml', 'docs/*.md', 'a/**/z', '**/cache',
  'deep/**', 'ba?.txt', 'file[0-9].yaml', 'x[!a-c]y', '[[:upper:]]*.env', 'trailing\\ ', '\\#hash', '\\!bang',
  'sub/dir/exact.txt', 'n*e/', '**/a/**/a/**/a/**/a/**/b', 'foo**bar', '*.tmp/', 'lit', '!lit/inner',
  'gen/**', '!gen/*/keep/**', 'gen/*/keep/drop?.txt', '!**/gen/**/again.txt', 'src/*/gen/*', '!src/x/gen/*.yaml',
];
const PATHS = [
  'debug.log', 'x/keep.log', 'keep.log', 'build', 'build/out.yaml', 'src/build', 'root-only.yaml', 'x/root-only.yaml',
  'docs/a.md', 'docs/x/a.md', 'a/z', 'a/b/c/z', 'b/a/z', 'cache', 'x/y/cache', 'deep', 'deep/x', 'deep/x/y',
  'bar.txt', 'baar.txt', 'file7.yaml', 'filex.yaml', 'xdy', 'xay', 'Prod.env', 'prod.env', 'trailing ', 'trailing',
  '#hash', '!bang', 'sub/dir/exact.txt', 'x/sub/dir/exact.txt', 'name', 'nope', 'q/a/a/a/a/b', 'a/a/a/a/c',
  // deeper, git 2.39's own matcher crashes (SIGSEGV) on the nested ** pattern
  `${'a/'.repeat(8)}b`, `${'a/'.repeat(8)}c`, 'fooxbar', 'foo/bar', 'x.tmp', 'lit', 'lit/inner', 'q/lit',
  'gen/a/keep/x.txt', 'gen/a/keep/drop1.txt', 'gen/a/keep/drop12.txt', 'gen/a/b/again.txt', 'gen/again.txt', 'gen/a/other.txt',
  'src/x/gen/a.yaml', 'src/x/gen/a.txt', 'src/y/gen/a.yaml', 'src/gen/a.yaml', 'q/src/x/gen/a.txt',
];
const DIRECTORIES = new Set(['build', 'src/build', 'cache', 'x/y/cache', 'deep', 'name', 'nope', 'x.tmp', 'lit']);

describe('IgnoreRules', () => {
  it('agrees with git check-ignore on every pattern shape', () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'rampart-ignore-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    writeFileSync(path.join(repo, '.gitignore'), `${PATTERNS.join('\n')}\n`);
    // git tells directories from files on disk
    for (const directory of DIRECTORIES) mkdirSync(path.join(repo, directory), { recursive: true });
    const asked = PATHS;
    // exit 1 says that some path is not ignored: the verdicts are in the output either way
    const output = spawnSync('git', ['check-ignore', '--no-index', '-v', '-n', '--stdin', '-z'], {
      cwd: repo, input: `${asked.join('\0')}\0`, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    }).stdout.toString('utf8').split('\0');
    const git: Record<string, boolean> = {};
    for (let index = 0; index + 3 < output.length; index += 4) {
      const pattern = output[index + 2]!;
      git[output[index + 3]!.replace(/\/$/, '')] = pattern !== '' && !pattern.startsWith('!');
    }
    const rules = new IgnoreRules().add(PATTERNS);
    const ours = Object.fromEntries(PATHS.map((file) => [file, DIRECTORIES.has(file) ? rules.test(file, true) === 'ignored' || rules.ignores(file) : rules.ignores(file)]));
    expect(ours).toEqual(git);
  });

  it('is linear in the path for nested ** patterns, and fast with many literal patterns', () => {
    const rules = new IgnoreRules().add('**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b');
    expect(rules.test(`${'a/'.repeat(200)}c`, false)).toBeUndefined();
    expect(rules.test(`${'a/'.repeat(200)}b`, false)).toBe('ignored');
    const many = new IgnoreRules().add(Array.from({ length: 100_000 }, (_, index) => `dir${index}/file${index}.txt`));
    expect(many.size).toBe(100_000);
    expect(many.ignores('dir99999/file99999.txt')).toBe(true);
    expect(many.ignores('dir1/file2.txt')).toBe(false);
  });

  it('tries only the globs whose literal segments the path has: 10,000 negated **/name/** patterns', () => {
    const rules = new IgnoreRules().add(['*.yaml', ...Array.from({ length: 10_000 }, (_, index) => `!**/keep${index}/**`)]);
    const matches = vi.spyOn(Glob.prototype, 'matches');
    try {
      const paths = Array.from({ length: 100 }, (_, index) => `src/keep${index * 7}/app/values.yaml`);
      expect(paths.every((file) => !rules.ignores(file))).toBe(true);
      expect(rules.ignores('src/other/values.yaml')).toBe(true);
      // each ancestor and the path itself: a handful of candidates each, not 10,000
      expect(matches.mock.calls.length).toBeLessThan(20 * paths.length);
    } finally {
      matches.mockRestore();
    }
  });
});
