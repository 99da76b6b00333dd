import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { displayFileName } from './file-name.js';
import { IgnoreRules } from './ignore/ignore-rules.js';
import { isWithin, safeReadFile } from './safe-read.js';

export interface WalkEntry {
  /** POSIX path relative to the root (a name that is not UTF-8 shown with `\\xNN` escapes) */
  readonly path: string;
  /** the file's real path (a link's target), as bytes when its name is not UTF-8 */
  readonly absolutePath: string | Buffer;
  /** reached through a symbolic link */
  readonly linked?: boolean;
  /** -1 when not yet known (regular files are sized when read) */
  readonly size: number;
}

export interface WalkResult {
  readonly entries: WalkEntry[];
  readonly diagnostics: Diagnostic[];
}

interface IgnoreScope {
  /** directory of the .gitignore, relative to the root, '' for the root */
  readonly base: string;
  readonly rules: IgnoreRules;
}

/** far above real ignore files (100,000 patterns are about 2 MB) */
const MAX_GITIGNORE_BYTES = 16 * 1024 * 1024;

export const ALWAYS_SKIPPED = new Set(['.git', '.hg', '.svn']);

/**
 * Lists the files below `root`, honouring .gitignore files at every level and extra ignore
 * patterns, following symbolic links only while they stay inside the root, and never twice.
 */
export async function walkTree(root: string, extraIgnores: readonly string[] = []): Promise<WalkResult> {
  const rootReal = realpathSync.native(root);
  const entries: WalkEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const visitedDirectories = new Set<string>([rootReal]);
  const rootScope: IgnoreScope = { base: '', rules: new IgnoreRules().add(extraIgnores) };

  const isIgnored = (relative: string, isDirectory: boolean, scopes: readonly IgnoreScope[]): boolean => {
    // as in git, the deepest .gitignore with an opinion (a match or a `!` negation) decides
    for (let index = scopes.length - 1; index >= 0; index -= 1) {
      const scope = scopes[index]!;
      const inScope = scope.base === '' ? relative : relative.slice(scope.base.length + 1);
      if (inScope === '') continue;
      const verdict = scope.rules.test(inScope, isDirectory);
      if (verdict === 'ignored') return true;
      if (verdict === 'unignored') return false;
    }
    return false;
  };

  // synchronous on purpose: thousands of small directory reads through the thread pool cost more than they overlap
  const visit = (directory: string, relative: string, scopes: IgnoreScope[]): void => {
    let dirents: Dirent[];
    try {
      // real entries before links, so a directory is scanned under its own name, not a link's
      dirents = readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
        Number(a.isSymbolicLink()) - Number(b.isSymbolicLink()) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (error) {
      diagnostics.push({ path: relative || '.', message: `cannot read directory: ${code(error)}`, kind: 'incomplete' });
      return;
    }
    const ownScopes = [...scopes];
    if (dirents.some((dirent) => dirent.name === '.gitignore' && !dirent.isDirectory())) {
      const read = safeReadFile(path.join(directory, '.gitignore'), { within: rootReal, maxBytes: MAX_GITIGNORE_BYTES });
      if (read.ok) ownScopes.push({ base: relative, rules: new IgnoreRules().add(read.bytes.toString('utf8')) });
      else diagnostics.push({ path: join(relative, '.gitignore'), message: `${read.problem}; its patterns are not applied`, kind: 'note' });
    }
    // a name that is not UTF-8 came back with U+FFFD in it: those files are found again by their bytes
    const byteNamed = dirents.some((dirent) => dirent.name.includes('\uFFFD')) ? addByteNamedFiles(directory, relative, ownScopes) : undefined;
    for (const dirent of dirents) {
      const name = dirent.name;
      if (ALWAYS_SKIPPED.has(name) || byteNamed?.has(name)) continue;
      const childRelative = join(relative, name);
      const childAbsolute = path.join(directory, name);
      let isDirectory = dirent.isDirectory();
      // sizes are checked when the file is read; only links need a stat here
      let size = -1;
      let target = childAbsolute;
      if (dirent.isSymbolicLink()) {
        const resolved = resolveLink(childAbsolute, rootReal);
        if ('problem' in resolved) {
          if (!isIgnored(childRelative, false, ownScopes)) {
            diagnostics.push({ path: childRelative, message: resolved.problem, kind: 'skipped' });
          }
          continue;
        }
        target = resolved.target;
        isDirectory = resolved.isDirectory;
        size = resolved.size;
      } else if (!isDirectory && !dirent.isFile()) {
        continue; // sockets, fifos, devices: never content
      }
      if (isIgnored(childRelative, isDirectory, ownScopes)) continue;
      if (isDirectory) {
        // `directory` is a real path, so a child is one too; a link's target was resolved above
        const real = target;
        if (visitedDirectories.has(real)) {
          diagnostics.push({ path: childRelative, message: 'symbolic link loop: directory already scanned', kind: 'skipped' });
          continue;
        }
        visitedDirectories.add(real);
        visit(target, childRelative, ownScopes);
      } else {
        entries.push({ path: childRelative, absolutePath: target, size, ...(target !== childAbsolute ? { linked: true } : {}) });
      }
    }
  };

  /** Adds the files whose names are not UTF-8 and returns those names as decoded with U+FFFD. */
  const addByteNamedFiles = (directory: string, relative: string, scopes: readonly IgnoreScope[]): Set<string> => {
    const lossy = new Set<string>();
    for (const name of readdirSync(directory, { encoding: 'buffer' })) {
      const shown = displayFileName(name);
      if (shown === name.toString('utf8')) continue;
      lossy.add(name.toString('utf8'));
      const childRelative = join(relative, shown);
      const absolute = Buffer.concat([Buffer.from(directory + path.sep), name]);
      const info = lstatSync(absolute, { throwIfNoEntry: false });
      if (isIgnored(childRelative, info?.isDirectory() === true, scopes)) continue;
      if (info?.isFile()) entries.push({ path: childRelative, absolutePath: absolute, size: info.size });
      else if (info?.isDirectory()) diagnostics.push({ path: childRelative, message: 'directory name is not UTF-8; not entered outside git', kind: 'skipped' });
    }
    return lossy;
  };

  visit(rootReal, '', [rootScope]);
  return { entries: onePerFile(entries), diagnostics };
}

/** A file reached by its own name and through links (or by several links) is scanned once, under its own name when listed. */
export function onePerFile(entries: readonly WalkEntry[]): WalkEntry[] {
  const byTarget = new Map<string, WalkEntry>();
  for (const entry of entries) {
    const key = typeof entry.absolutePath === 'string' ? entry.absolutePath : entry.absolutePath.toString('latin1');
    const kept = byTarget.get(key);
    if (!kept || (kept.linked && !entry.linked)) byTarget.set(key, entry);
  }
  const chosen = new Set(byTarget.values());
  return entries.filter((entry) => chosen.has(entry));
}

export function resolveLink<Name extends string | Buffer>(
  link: Name,
  rootReal: string,
): { target: Name; isDirectory: boolean; size: number } | { problem: string } {
  let target: Name;
  try {
    target = (typeof link === 'string' ? realpathSync.native(link) : realpathSync.native(link, { encoding: 'buffer' })) as Name;
  } catch (error) {
    const reason = code(error) === 'ELOOP' ? 'symbolic link loop' : 'symbolic link to nothing';
    return { problem: `${reason}; skipped` };
  }
  if (!isWithin(target, rootReal)) {
    return { problem: 'symbolic link leads outside the scanned tree; not followed' };
  }
  try {
    const info = statSync(target);
    if (!info.isFile() && !info.isDirectory()) return { problem: 'symbolic link to something that is not a file; skipped' };
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

