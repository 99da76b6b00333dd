import path from 'node:path';
import type { ImageEntry, SquashedTree } from '../squash.js';

/**
 * The entry at `file` (image path, no leading `/`) with symbolic links in its directories followed,
 * as the container would see it: `bin/ls` is `usr/bin/ls` when `bin` links to `usr/bin` (merged /usr).
 * The last component is not followed. Undefined when nothing is there or links loop.
 */
export function resolveEntry(tree: SquashedTree, file: string): ImageEntry | undefined {
  const direct = tree.get(file);
  if (direct) return direct;
  let parts = file.split('/').filter(Boolean);
  let done: string[] = [];
  for (let hops = 0; hops < 40 && parts.length > 1; ) {
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
    if (!entry && done.length === 0 && current === '') return undefined;
    done = [...done, head!];
    parts = rest;
  }
  return tree.get([...done, ...parts].join('/'));
}
