import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { walkTree } from '../src/sources/walk.js';
import { best } from './scan.bench.js';

/**
 * Issue 12 case 6: .gitignore matching must be linear, as git's is. The same untracked tree is
 * listed by Rampart's walk (outside git it applies .gitignore itself) and by
 * `git ls-files --others --exclude-standard`, which applies the same files: the ratio is the cost
 * of Rampart's matcher against git's.
 */
const base = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.bench', 'ignore');
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

function generate(name: string, ignoreText: string, files: readonly string[]): string {
  const root = path.join(base, name);
  if (!existsSync(path.join(root, '.git'))) {
    mkdirSync(root, { recursive: true });
    for (const file of files) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), 'x: 1\n');
    }
    writeFileSync(path.join(root, '.gitignore'), ignoreText);
    execFileSync('git', ['init', '-q'], { cwd: root, env: GIT_ENV });
  }
  return root;
}

/** 2,000 files in 100 directories; 100,000 patterns, half literal paths and half `*.ext` globs */
function manyPatterns(): string {
  const files = Array.from({ length: 2000 }, (_, index) => `dir${index % 100}/file${index}.${index % 7 === 0 ? 'tmp3' : 'yaml'}`);
  const lines = Array.from({ length: 100_000 }, (_, index) => (index % 2 === 0 ? `dir${index % 100}/file${index}.yaml` : `*.tmp${index}`));
  return generate('patterns-100k', `${lines.join('\n')}\n`, files);
}

/** a 20-deep tree (git 2.39's own matcher crashes on deeper ones) with a nested `**` pattern */
function nestedStars(): string {
  const files: string[] = [];
  for (let depth = 1; depth <= 20; depth += 1) {
    const directory = Array.from({ length: depth }, () => 'a').join('/');
    for (let index = 0; index < 20; index += 1) files.push(`${directory}/f${index}.yaml`);
    files.push(`${directory}/b`);
  }
  return generate('nested-stars', '**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b\n', files);
}

function gitListing(root: string): number {
  const output = execFileSync('git', ['ls-files', '-z', '--others', '--exclude-standard'], { cwd: root, env: GIT_ENV, maxBuffer: 1 << 28 });
  return output.toString('utf8').split('\0').length - 1;
}

export async function run(): Promise<void> {
  for (const [label, root] of [['100,000-line .gitignore, 2,000 files', manyPatterns()], ['nested ** pattern, 20-deep tree', nestedStars()]] as const) {
    const git = await best(3, () => gitListing(root));
    const rampart = await best(3, async () => (await walkTree(root)).entries.length);
    process.stdout.write(`${label}: git ls-files ${git.ms.toFixed(0)} ms (${git.value} files), rampart walk ${rampart.ms.toFixed(0)} ms (${rampart.value} files), ratio ${(rampart.ms / git.ms).toFixed(2)}x\n`);
  }
}
