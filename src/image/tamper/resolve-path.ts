import path from 'node:path';
import type { ImageEntry, SquashedTree } from '../squash.js';

/**
 * The entry at `file` (image path, no leading `/`) with symbolic links in its directories followed,
 * as the container would see it: `bin/ls` is `usr/bin/ls` when `bin` links to `usr/bin` (merged /usr).
 * The last component is not followed. Undefined when nothing is there or links loop.
 */
export function resolveEntry(tree: SquashedTree, file: string): ImageEntry | undefined {
  return entryResolver(tree)(file);
}

/**
 * `resolveEntry` for many files of one tree: each directory is resolved once (a package's thousands
 * of files share a few dozen directories), not once per file; `members`, every member of the tree by
 * its path (from `tree.entries()`), makes each lookup one map access instead of a walk down the tree.
 */
export function entryResolver(tree: SquashedTree, members?: ReadonlyMap<string, ImageEntry>): (file: string) => ImageEntry | undefined {
  const directories = new Map<string, string>();
  const at = members ? (file: string) => members.get(file) : (file: string) => tree.get(file);
  return (file) => {
    const direct = at(file);
    if (direct) return direct;
    const parts = file.split('/').filter(Boolean);
    const last = parts.pop();
    if (last === undefined) return undefined;
    const key = parts.join('/');
    let directory = directories.get(key);
    if (directory === undefined) directories.set(key, (directory = resolveDirectory(tree, parts)));
    return at(directory === '' ? last : `${directory}/${last}`);
  };
}

/** the directory `parts` names with the symbolic links on the way followed (at most 40 of them) */
function resolveDirectory(tree: SquashedTree, directory: readonly string[]): string {
  let parts = [...directory];
  let done: string[] = [];
  for (let hops = 0; hops < 40 && parts.length > 0; ) {
    const [head, ...rest] = parts;
    const current = [...done, head!].join('/');
    const entry = tree.get(current);
    if (entry?.type === 'symlink' && entry.linkname) {
      hops += 1;
      const target = entry.linkname.startsWith('/') ? entry.linkname.slice(1) : path.posix.join(done.join('/'), entry.linkname);
      const normalized = path.posix.normalize(target).replace(/^(\.\.\/)+|^\.$/g, '');
      parts = [...normalized.split('/').filter(Boolean), ...rest];
      done = [];
      continue;
    }
    done = [...done, head!];
    parts = rest;
  }
  return [...done, ...parts].join('/');
}
