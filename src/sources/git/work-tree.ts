import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const MAX_PARENT_DEPTH = 64;

export interface WorkTree {
  /** the directory holding `.git` */
  readonly top: string;
  /** the repository's git directory (for worktrees and submodules, where `.git` points) */
  readonly gitDirectory: string;
}

/**
 * The git work tree holding `start`, found as git finds it: a `.git` here or in a parent directory.
 * Reads a few files only (synchronously: it runs before the CLI has loaded, to start git early).
 */
export function findWorkTree(start: string): WorkTree | undefined {
  let current = start;
  for (let depth = 0; depth < MAX_PARENT_DEPTH; depth += 1) {
    const candidate = path.join(current, '.git');
    const info = statSync(candidate, { throwIfNoEntry: false });
    if (info?.isDirectory()) return { top: current, gitDirectory: candidate };
    if (info?.isFile()) {
      // worktrees and submodules: `.git` is a file saying `gitdir: <path>`
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readText(candidate));
      if (pointer?.[1]) return { top: current, gitDirectory: path.resolve(current, pointer[1]) };
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

/** Where objects and config live: a linked worktree's git directory names it in `commondir`. */
export function commonDirectory(gitDirectory: string): string {
  const common = readText(path.join(gitDirectory, 'commondir')).trim();
  return common === '' ? gitDirectory : path.resolve(gitDirectory, common);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
