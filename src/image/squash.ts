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
  /** the tree state that made it: a node of another (a snapshot's, shared) is copied before it is changed */
  owner: object;
  /** its children's names in order, kept until they change */
  sorted?: string[] | undefined;
}

/** A squashed tree as it was: shared by the trees that start from it (`SquashedTree.from`), never changed. */
export interface SquashedSnapshot {
  readonly root: unknown;
}

/**
 * The file system a container sees: layers applied in order, each layer's opaque directories
 * first, then its whiteouts (both only hide what lower layers hold), then its own members; a
 * non-directory that replaces a directory removes the whole subtree. Trees share what a snapshot
 * holds: images of one run on the same lower layers start from the tree those layers make, and a
 * tree copies a shared directory only when its own layers change that directory.
 */
export class SquashedTree {
  private owner: object = {};
  private root: Node = { children: new Map(), owner: this.owner };

  /** a tree that starts as the snapshot was */
  static from(snapshot: SquashedSnapshot): SquashedTree {
    const tree = new SquashedTree();
    tree.root = snapshot.root as Node;
    return tree;
  }

  /** the tree as it is now, for other trees to start from: what it holds is not changed after this (this tree copies what it changes) */
  snapshot(): SquashedSnapshot {
    this.owner = {};
    return { root: this.root };
  }

  applyLayer(whiteouts: readonly Whiteout[], entries: readonly ImageEntry[]): void {
    for (const whiteout of whiteouts) {
      if (whiteout.kind !== 'opaque') continue;
      const node = this.find(whiteout.directory, true);
      if (node?.children) {
        node.children = new Map();
        node.sorted = undefined;
      }
    }
    for (const whiteout of whiteouts) {
      if (whiteout.kind !== 'remove') continue;
      const slash = whiteout.path.lastIndexOf('/');
      const parent = this.find(slash === -1 ? '' : whiteout.path.slice(0, slash), true);
      if (parent?.children?.delete(whiteout.path.slice(slash + 1))) parent.sorted = undefined;
    }
    for (const entry of entries) this.place(entry);
  }

  /** the member that is at `path` in the squashed view */
  get(path: string): ImageEntry | undefined {
    return this.find(path, false)?.entry;
  }

  /** every member of the squashed view, depth first in name order */
  entries(): ImageEntry[] {
    // an array built by one recursion, not nested generators: each entry would be yielded once per level above it
    const found: ImageEntry[] = [];
    const walk = (node: Node): void => {
      const { children } = node;
      if (!children) return;
      node.sorted ??= [...children.keys()].sort();
      for (const name of node.sorted) {
        const child = children.get(name)!;
        if (child.entry) found.push(child.entry);
        walk(child);
      }
    };
    walk(this.root);
    return found;
  }

  /** `node` as this tree may change it: itself when this tree made it, else a copy put in its place under `parent` */
  private own(node: Node, parent: Node | undefined, name: string): Node {
    if (node.owner === this.owner) return node;
    const copy: Node = { owner: this.owner };
    if (node.entry) copy.entry = node.entry;
    if (node.children) copy.children = new Map(node.children);
    if (node.sorted) copy.sorted = node.sorted;
    if (parent) parent.children!.set(name, copy);
    else this.root = copy;
    return copy;
  }

  /** `writable`: the nodes on the way are this tree's own (copied where shared), to be changed */
  private find(path: string, writable: boolean): Node | undefined {
    let node: Node | undefined = writable ? this.own(this.root, undefined, '') : this.root;
    if (path === '') return node;
    for (const part of path.split('/')) {
      const next: Node | undefined = node.children?.get(part);
      if (!next) return undefined;
      node = writable ? this.own(next, node, part) : next;
    }
    return node;
  }

  private place(entry: ImageEntry): void {
    if (entry.path === '') return;
    const parts = entry.path.split('/');
    const owner = this.owner;
    let node = this.own(this.root, undefined, '');
    const last = parts.length - 1;
    for (let index = 0; index < last; index += 1) {
      const part = parts[index]!;
      const children = (node.children ??= new Map());
      let next = children.get(part);
      if (!next || (next.entry && next.entry.type !== 'directory')) {
        // none yet, or a file where a directory is now needed: the later layer's directory wins
        next = { children: new Map(), owner };
        children.set(part, next);
        node.sorted = undefined;
      } else {
        next = this.own(next, node, part);
        next.children ??= new Map();
      }
      node = next;
    }
    const children = (node.children ??= new Map());
    const name = parts[last]!;
    const existing = children.get(name);
    if (!existing) node.sorted = undefined;
    if (entry.type === 'directory') {
      const kept = existing && (existing.entry?.type === 'directory' || !existing.entry) ? existing : undefined;
      if (kept?.children && kept.owner === owner) {
        kept.entry = entry;
      } else {
        children.set(name, { entry, children: kept?.children ? new Map(kept.children) : new Map(), owner, ...(kept?.sorted ? { sorted: kept.sorted } : {}) });
      }
    } else {
      children.set(name, { entry, owner });
    }
  }
}
