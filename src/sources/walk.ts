import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Diagnostic } from '../model/diagnostic.js';

export interface WalkEntry {
  /** POSIX path relative to the root */
  readonly path: string;
  readonly absolutePath: string;
  readonly size: number;
}

export interface WalkResult {
  readonly entries: WalkEntry[];
  readonly diagnostics: Diagnostic[];
}

interface IgnoreScope {
  /** directory of the .gitignore, relative to the root, '' for the root */
  readonly base: string;
  readonly rules: Ignore;
}

const ALWAYS_SKIPPED = new Set(['.git', '.hg', '.svn']);

/**
 * Lists the files below `root`, honouring .gitignore files at every level and extra ignore
 * patterns, following symbolic links only while they stay inside the root, and never twice.
 */
export async function walkTree(root: string, extraIgnores: readonly string[] = []): Promise<WalkResult> {
  const rootReal = await realpath(root);
  const entries: WalkEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const visitedDirectories = new Set<string>([rootReal]);
  const rootScope: IgnoreScope = { base: '', rules: ignore().add([...extraIgnores]) };

  const isIgnored = (relative: string, isDirectory: boolean, scopes: readonly IgnoreScope[]): boolean => {
    const candidate = isDirectory ? `${relative}/` : relative;
    return scopes.some((scope) => {
      const inScope = scope.base === '' ? candidate : candidate.slice(scope.base.length + 1);
      return inScope !== '' && scope.rules.ignores(inScope);
    });
  };

  const visit = async (directory: string, relative: string, scopes: IgnoreScope[]): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(directory)).sort();
    } catch (error) {
      diagnostics.push({ path: relative || '.', message: `cannot read directory: ${code(error)}`, kind: 'incomplete' });
      return;
    }
    const ownScopes = [...scopes];
    if (names.includes('.gitignore')) {
      try {
        const text = await readFile(path.join(directory, '.gitignore'), 'utf8');
        ownScopes.push({ base: relative, rules: ignore().add(text) });
      } catch (error) {
        diagnostics.push({ path: join(relative, '.gitignore'), message: `cannot read: ${code(error)}`, kind: 'note' });
      }
    }
    for (const name of names) {
      if (ALWAYS_SKIPPED.has(name)) continue;
      const childRelative = join(relative, name);
      const childAbsolute = path.join(directory, name);
      let info;
      try {
        info = await lstat(childAbsolute);
      } catch (error) {
        diagnostics.push({ path: childRelative, message: `cannot read: ${code(error)}`, kind: 'incomplete' });
        continue;
      }
      let isDirectory = info.isDirectory();
      let size = info.size;
      let target = childAbsolute;
      if (info.isSymbolicLink()) {
        const resolved = await resolveLink(childAbsolute, rootReal);
        if ('problem' in resolved) {
          if (!isIgnored(childRelative, false, ownScopes)) {
            diagnostics.push({ path: childRelative, message: resolved.problem, kind: 'skipped' });
          }
          continue;
        }
        target = resolved.target;
        isDirectory = resolved.isDirectory;
        size = resolved.size;
      } else if (!isDirectory && !info.isFile()) {
        continue; // sockets, fifos, devices: never content
      }
      if (isIgnored(childRelative, isDirectory, ownScopes)) continue;
      if (isDirectory) {
        const real = await realpath(target).catch(() => target);
        if (visitedDirectories.has(real)) {
          diagnostics.push({ path: childRelative, message: 'symbolic link loop: directory already scanned', kind: 'skipped' });
          continue;
        }
        visitedDirectories.add(real);
        await visit(target, childRelative, ownScopes);
      } else {
        entries.push({ path: childRelative, absolutePath: target, size });
      }
    }
  };

  await visit(rootReal, '', [rootScope]);
  return { entries, diagnostics };
}

async function resolveLink(
  link: string,
  rootReal: string,
): Promise<{ target: string; isDirectory: boolean; size: number } | { problem: string }> {
  let target: string;
  try {
    target = await realpath(link);
  } catch (error) {
    const reason = code(error) === 'ELOOP' ? 'symbolic link loop' : 'symbolic link to nothing';
    return { problem: `${reason}; skipped` };
  }
  if (target !== rootReal && !target.startsWith(rootReal + path.sep)) {
    return { problem: 'symbolic link leads outside the scanned tree; not followed' };
  }
  try {
    const info = await stat(target);
    return { target, isDirectory: info.isDirectory(), size: info.size };
  } catch (error) {
    return { problem: `cannot follow symbolic link: ${code(error)}` };
  }
}

function join(relative: string, name: string): string {
  return relative === '' ? name : `${relative}/${name}`;
}

function code(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return error instanceof Error ? error.message : String(error);
}
