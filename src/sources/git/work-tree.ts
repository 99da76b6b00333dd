import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const MAX_PARENT_DEPTH = 64;

export interface WorkTree {
  /** the directory holding `.git` */
  readonly top: string;
  /** the repository's git directory (for worktrees and submodules, where `.git` points) */
  readonly gitDirectory: string;
}

/** The git work tree holding `start`, found as git finds it: a `.git` here or in a parent directory. Reads files only. */
export async function findWorkTree(start: string): Promise<WorkTree | undefined> {
  let current = start;
  for (let depth = 0; depth < MAX_PARENT_DEPTH; depth += 1) {
    const candidate = path.join(current, '.git');
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isDirectory()) return { top: current, gitDirectory: candidate };
    if (info?.isFile()) {
      // worktrees and submodules: `.git` is a file saying `gitdir: <path>`
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(candidate, 'utf8').catch(() => ''));
      if (pointer?.[1]) return { top: current, gitDirectory: path.resolve(current, pointer[1]) };
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}
