import type { TarEntry } from './tar-reader.js';
import type { Whiteout } from './entry-path.js';

/** One member of one layer, as the image holds it. */
export interface ImageEntry extends Omit<TarEntry, 'name'> {
  /** the member name as a path inside the image (see imagePath) */
  readonly path: string;
  /** index of the layer it comes from, 0 = the base */
  readonly layer: number;
}

interface Node {
  entry?: ImageEntry;
  children?: Map<string, Node>;
}

/**
 * The file system a container sees: layers applied in order, each layer's opaque directories
 * first, then its whiteouts (both only hide what lower layers hold), then its own members; a
 * non-directory that replaces a directory removes the whole subtree.
 */
export class SquashedTree {
  private readonly root: Node = { children: new Map() };

  applyLayer(whiteouts: readonly Whiteout[], entries: readonly ImageEntry[]): void {
    for (const whiteout of whiteouts) {
      if (whiteout.kind !== 'opaque') continue;
      const node = this.find(whiteout.directory);
      if (node?.children) node.children.clear();
    }
    for (const whiteout of whiteouts) {
      if (whiteout.kind !== 'remove') continue;
      const slash = whiteout.path.lastIndexOf('/');
      const parent = this.find(slash === -1 ? '' : whiteout.path.slice(0, slash));
      parent?.children?.delete(whiteout.path.slice(slash + 1));
    }
    for (const entry of entries) this.place(entry);
  }

  /** the member that is at `path` in the squashed view */
  get(path: string): ImageEntry | undefined {
    return this.find(path)?.entry;
  }

  /** every member of the squashed view, depth first in name order */
  entries(): ImageEntry[] {
    // an array built by one recursion, not nested generators: each entry would be yielded once per level above it
    const found: ImageEntry[] = [];
    const walk = (node: Node): void => {
      if (!node.children) return;
      for (const name of [...node.children.keys()].sort()) {
        const child = node.children.get(name)!;
        if (child.entry) found.push(child.entry);
        walk(child);
      }
    };
    walk(this.root);
    return found;
  }

  private find(path: string): Node | undefined {
    let node: Node | undefined = this.root;
    if (path === '') return node;
    for (const part of path.split('/')) {
      node = node.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  private place(entry: ImageEntry): void {
    if (entry.path === '') return;
    const parts = entry.path.split('/');
    let node = this.root;
    for (const part of parts.slice(0, -1)) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      } else if (next.entry && next.entry.type !== 'directory') {
        // a file where a directory is now needed: the later layer's directory wins
        next = { children: new Map() };
        node.children.set(part, next);
      }
      next.children ??= new Map();
      node = next;
    }
    node.children ??= new Map();
    const name = parts[parts.length - 1]!;
    const existing = node.children.get(name);
    if (entry.type === 'directory') {
      node.children.set(name, { entry, children: existing?.entry?.type === 'directory' || (existing && !existing.entry) ? existing.children ?? new Map() : new Map() });
    } else {
      node.children.set(name, { entry });
    }
  }
}
