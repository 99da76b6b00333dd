import { describe, expect, it } from 'vitest';
import type { Whiteout } from './entry-path.js';
import { SquashedTree, type ImageEntry } from './squash.js';

interface Layer { whiteouts: Whiteout[]; entries: ImageEntry[] }

/** a layer of random members, whiteouts and opaque directories over a small name space, so that layers collide often */
function randomLayer(next: () => number, layer: number): Layer {
  const names = ['usr', 'bin', 'lib', 'etc', 'a', 'b'];
  const randomPath = (): string => Array.from({ length: 1 + Math.floor(next() * 4) }, () => names[Math.floor(next() * names.length)]!).join('/');
  const whiteouts: Whiteout[] = [];
  const entries: ImageEntry[] = [];
  for (let count = Math.floor(next() * 12); count > 0; count -= 1) {
    const roll = next();
    if (roll < 0.1) whiteouts.push({ kind: 'opaque', directory: randomPath() });
    else if (roll < 0.25) whiteouts.push({ kind: 'remove', path: randomPath() });
    else {
      const type = roll < 0.6 ? 'directory' : roll < 0.9 ? 'file' : 'symlink';
      entries.push({ path: randomPath(), type, mode: 0o755, uid: 0, gid: 0, size: 0, linkname: type === 'symlink' ? 'usr' : '', layer });
    }
  }
  return { whiteouts, entries };
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function built(layers: readonly Layer[]): SquashedTree {
  const tree = new SquashedTree();
  for (const { whiteouts, entries } of layers) tree.applyLayer(whiteouts, entries);
  return tree;
}

describe('SquashedTree snapshots', () => {
  it('a tree started from a snapshot, and the tree that took it, each end as if built alone; the snapshot never changes', () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const next = seeded(seed);
      const lower = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, index) => randomLayer(next, index));
      const upperA = [randomLayer(next, lower.length), randomLayer(next, lower.length + 1)];
      const upperB = [randomLayer(next, lower.length), randomLayer(next, lower.length + 1)];
      const first = built(lower);
      const before = first.entries();
      const snapshot = first.snapshot();
      const second = SquashedTree.from(snapshot);
      for (const { whiteouts, entries } of upperA) first.applyLayer(whiteouts, entries);
      for (const { whiteouts, entries } of upperB) second.applyLayer(whiteouts, entries);
      expect(first.entries(), `seed ${seed}`).toEqual(built([...lower, ...upperA]).entries());
      expect(second.entries(), `seed ${seed}`).toEqual(built([...lower, ...upperB]).entries());
      expect(SquashedTree.from(snapshot).entries(), `seed ${seed}`).toEqual(before);
      for (const { path } of [...upperA, ...upperB].flatMap((layer) => layer.entries)) {
        expect(second.get(path), `seed ${seed} ${path}`).toEqual(built([...lower, ...upperB]).get(path));
      }
    }
  });
});
