import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCrc32Base62Suffix } from '../src/secrets/checksum.js';
import type { LayerVisitor } from '../src/image/analyze.js';
import { inspectImage } from '../src/image/inspect-image.js';
import { LayerMemory } from '../src/image/layer-cache.js';
import type { ImageEntry } from '../src/image/squash.js';
import { buildLayeredImage } from './helpers/image-build.js';

let work: string;
let image: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-layer-memo-'));
  const layout = await buildLayeredImage(work, 'memo', 'v1', [
    { files: { 'etc/os-release': 'ID=debian\nVERSION_ID=12\n', 'srv/app/config.env': `GITHUB_TOKEN=ghp_${withCrc32Base62Suffix('a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5')}\n` } },
    { files: { 'srv/app/main.js': 'console.log(1)\n' } },
  ]);
  image = `${layout}:v1`;
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** counts the files it is handed; keeps nothing else, so a layer it restores is one it was not handed */
class CountingVisitor implements LayerVisitor {
  visits = 0;
  wanted(entry: ImageEntry): number {
    return entry.type === 'file' ? 1024 : 0;
  }
  visit(): void {
    this.visits += 1;
  }
  saveLayer(): unknown {
    return {};
  }
  restoreLayer(): void {}
}

describe('a layer is read once per run, with or without the cache on disk', () => {
  it('the second inspection of the same layers restores what the first read, with the same findings', async () => {
    const first = new CountingVisitor();
    const second = new CountingVisitor();
    const layerMemory = new LayerMemory();
    const before = await inspectImage(image, { cacheDirectory: false, layerMemory, visitors: () => [first] });
    const after = await inspectImage(image, { cacheDirectory: false, layerMemory, visitors: () => [second] });
    expect(first.visits).toBeGreaterThanOrEqual(3);
    expect(second.visits).toBe(0);
    expect(before.findings.length).toBeGreaterThan(0);
    expect(after.findings).toEqual(before.findings);
    expect(after.images[0]!.inventory).toEqual(before.images[0]!.inventory);
    expect([...after.images[0]!.tree.entries()]).toEqual([...before.images[0]!.tree.entries()]);
  }, 60_000);

  it('another run (no shared memory, no cache on disk) reads and checks the layers again', async () => {
    const first = new CountingVisitor();
    const again = new CountingVisitor();
    await inspectImage(image, { cacheDirectory: false, visitors: () => [first] });
    await inspectImage(image, { cacheDirectory: false, visitors: () => [again] });
    expect(again.visits).toBe(first.visits);
    expect(again.visits).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
