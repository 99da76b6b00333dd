import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { commitIndex, gitEnvironment } from './git-env.js';
import { findWorkTree } from './git/work-tree.js';

/**
 * The files of a git work tree as Argo CD and Flux see them: every file in the index (tracked,
 * even when a `.gitignore` matches it: `git add -f`, or ignored after it was committed), plus
 * untracked files that are not ignored. `.gitignore` hides only untracked files.
 */
export type RepositoryListing =
  /** the names git lists below `directory`, relative to it, as raw bytes (a name need not be UTF-8) */
  | { readonly kind: 'listed'; readonly names: readonly Buffer[] }
  | { readonly kind: 'not-a-work-tree' }
  | { readonly kind: 'failed'; readonly problem: string };

/** a listing is names only; even a million files stay far below this */
const MAX_LISTING_BYTES = 1024 * 1024 * 1024;

export function listRepositoryFiles(directory: string): RepositoryListing {
  const real = realOrSelf(directory);
  const workTree = findWorkTree(real);
  if (!workTree) return { kind: 'not-a-work-tree' };
  const git = (args: readonly string[]) => spawnSync('git', [
    // a repository's own config must not run programs while its files are listed
    '-c', 'core.fsmonitor=false', ...args,
  ], {
    cwd: real,
    env: gitEnvironment({ GIT_CONFIG_NOSYSTEM: '1' }, { ...process.env, ...commitIndex(workTree.gitDirectory) }),
    maxBuffer: MAX_LISTING_BYTES,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // a directory the repository ignores (a build output, a scratch copy) was named on purpose: its
  // files are scanned as outside git, not hidden by the ignore rules above it
  if (real !== realOrSelf(workTree.top) && git(['check-ignore', '-q', '.']).status === 0) return { kind: 'not-a-work-tree' };
  const result = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  if (result.error) return { kind: 'failed', problem: `cannot run git: ${result.error.message}` };
  if (result.status !== 0) {
    const reason = result.stderr.toString('utf8').trim().split('\n')[0] || `git exited with ${String(result.status ?? result.signal)}`;
    // inside a `.git` directory, or a work tree git does not recognise: no listing, not an error
    if (/not a git repository|must be run in a work tree/.test(reason)) return { kind: 'not-a-work-tree' };
    return { kind: 'failed', problem: reason.replace(/^fatal: /, '') };
  }
  return { kind: 'listed', names: splitNames(result.stdout) };
}

function splitNames(output: Buffer): Buffer[] {
  const names: Buffer[] = [];
  const seen = new Set<string>();
  let start = 0;
  for (let end = output.indexOf(0, start); end !== -1; end = output.indexOf(0, start)) {
    const name = output.subarray(start, end);
    start = end + 1;
    // unmerged paths are listed once per stage
    const key = name.toString('latin1');
    if (name.length === 0 || seen.has(key)) continue;
    seen.add(key);
    names.push(name);
  }
  return names;
}

function realOrSelf(directory: string): string {
  try {
    return realpathSync.native(directory);
  } catch {
    return directory;
  }
}
