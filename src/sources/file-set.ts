import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { displayFileName } from './file-name.js';
import { findWorkTree } from './git/work-tree.js';
import { IgnoreRules } from './ignore/ignore-rules.js';
import { listRepositoryFiles } from './tracked-files.js';
import { ALWAYS_SKIPPED, onePerFile, resolveLink, walkTree, type WalkEntry, type WalkResult } from './walk.js';

/** submodules within submodules within …: far deeper than real repositories nest */
const MAX_NESTED_REPOSITORIES = 16;

/**
 * The files a scan of `root` reads. In a git work tree: what git lists (tracked files, even those a
 * `.gitignore` matches, and untracked files that are not ignored), with submodules and nested
 * repositories listed by their own git. Outside git: the directory walk, where `.gitignore`
 * decides. `extraIgnores` (the config's `ignore`) applies to both.
 */
export async function listScanFiles(root: string, extraIgnores: readonly string[] = []): Promise<WalkResult> {
  const rootReal = realpathSync.native(root);
  const listing = listRepositoryFiles(rootReal);
  if (listing.kind === 'not-a-work-tree') return walkTree(root, extraIgnores);
  if (listing.kind === 'failed') {
    const walked = await walkTree(root, extraIgnores);
    const note = `git could not list the repository's files (${listing.problem}); files were chosen by .gitignore alone, so tracked files a .gitignore matches were not scanned`;
    return { entries: walked.entries, diagnostics: [{ path: '.', message: note, kind: 'note' }, ...walked.diagnostics] };
  }
  const extra = extraIgnores.length > 0 ? new IgnoreRules().add(extraIgnores) : undefined;
  const entries: WalkEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const add = (directory: string, prefix: string, names: readonly Buffer[], depth: number): void => {
    for (const name of names) {
      const nested = name[name.length - 1] === 0x2f; // `dir/`: a repository of its own inside this one
      const relative = joinName(prefix, displayFileName(nested ? name.subarray(0, -1) : name));
      if (relative.split('/').some((part) => ALWAYS_SKIPPED.has(part))) continue;
      if (extra?.ignores(relative, nested)) continue;
      const absolute = absoluteName(directory, nested ? name.subarray(0, -1) : name);
      const info = lstatSync(absolute, { throwIfNoEntry: false });
      // in the index but not on disk (deleted, sparse checkout): the tree scan reads the work tree
      if (!info) continue;
      if (info.isFile()) {
        entries.push({ path: relative, absolutePath: absolute, size: info.size });
      } else if (info.isSymbolicLink()) {
        const resolved = resolveLink(absolute, rootReal);
        if ('problem' in resolved) diagnostics.push({ path: relative, message: resolved.problem, kind: 'skipped' });
        // git does not follow a link to a directory: the files there are listed under their own names
        else if (!resolved.isDirectory) entries.push({ path: relative, absolutePath: resolved.target, size: resolved.size, linked: true });
      } else if (info.isDirectory() && typeof absolute === 'string') {
        // a submodule or a nested repository: its own git lists its files
        if (depth >= MAX_NESTED_REPOSITORIES || findWorkTree(absolute)?.top !== absolute) continue;
        const inner = listRepositoryFiles(absolute);
        if (inner.kind === 'listed') add(absolute, relative, inner.names, depth + 1);
        else if (inner.kind === 'failed') diagnostics.push({ path: relative, message: `git could not list this repository's files (${inner.problem}); not scanned`, kind: 'incomplete' });
      }
      // FIFOs, sockets, devices: never content
    }
  };
  add(rootReal, '', listing.names, 0);
  return { entries: onePerFile(entries), diagnostics };
}

function joinName(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** A UTF-8 name is joined as text; any other stays bytes, so the file opened is the one git listed. */
function absoluteName(directory: string, name: Buffer): string | Buffer {
  const text = name.toString('utf8');
  if (Buffer.byteLength(text) === name.length && !text.includes('\uFFFD')) return path.join(directory, text);
  return Buffer.concat([Buffer.from(directory.endsWith(path.sep) ? directory : directory + path.sep), name]);
}
