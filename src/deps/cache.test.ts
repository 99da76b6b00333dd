import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DependencyCache } from './cache.js';

let root: string | undefined;
afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

const slowFill = (content: string) => async (directory: string): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  await writeFile(path.join(directory, 'file'), content);
};

describe('DependencyCache.writeTree', () => {
  it('fills a tree once when the same content is written twice at the same time', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'rampart-cache-'));
    const cache = new DependencyCache(root);
    let fills = 0;
    const fill = async (directory: string): Promise<void> => {
      fills += 1;
      await slowFill('same')(directory);
    };
    const written = await Promise.all([cache.writeTree('git-abc', fill), cache.writeTree('git-abc', fill), cache.writeTree('git-abc', fill)]);
    expect(new Set(written).size).toBe(1);
    expect(fills).toBe(1);
    expect(await readFile(path.join(written[0]!, 'file'), 'utf8')).toBe('same');
    expect(await cache.hasTree('git-abc')).toBe(true);
    expect((await readdir(path.join(root, 'trees'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps a whole tree another process moved into place first, and marks it complete', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'rampart-cache-'));
    const cache = new DependencyCache(root);
    const other = cache.treePath('git-def');
    await mkdir(other, { recursive: true });
    await writeFile(path.join(other, 'file'), 'first');
    const written = await cache.writeTree('git-def', slowFill('second'));
    expect(await readFile(path.join(written, 'file'), 'utf8')).toBe('first');
    expect(await cache.hasTree('git-def')).toBe(true);
  });
});
