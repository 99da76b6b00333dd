import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarBytes, writeLayout } from '../../test/helpers/oci-layout.js';
import { readSmallBlob } from './blob-source.js';
import { LayoutSource } from './layout-source.js';

describe('LayoutSource small blobs (index, manifest, config) read whole, without a stream', () => {
  let work: string;
  let layout: string;
  let manifestDigest: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'rampart-layout-small-'));
    layout = path.join(work, 'layout');
    ({ manifestDigest } = await writeLayout(layout, [{ tar: tarBytes([{ name: 'etc/hostname', content: 'app\n' }]) }]));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('gives the bytes of index.json and of a blob, the same as its stream', async () => {
    const source = new LayoutSource(layout);
    expect(await readSmallBlob(source, 'index.json', 1024 * 1024, 'index.json')).toEqual(await readFile(path.join(layout, 'index.json')));
    const manifest = await readSmallBlob(source, manifestDigest, 1024 * 1024, 'the manifest');
    expect(manifest).toEqual(await readFile(path.join(layout, 'blobs', 'sha256', manifestDigest.slice(7))));
    const streamed = await source.withBlob(manifestDigest, async (stream) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks);
    });
    expect(manifest).toEqual(streamed);
  });

  it('refuses a blob over the limit, naming it, before reading it', async () => {
    const source = new LayoutSource(layout);
    const size = (await readFile(path.join(layout, 'blobs', 'sha256', manifestDigest.slice(7)))).length;
    await expect(readSmallBlob(source, manifestDigest, size - 1, 'the manifest of app')).rejects.toThrow('the manifest of app is larger than 0 MiB; refused');
    expect(await readSmallBlob(source, manifestDigest, size, 'the manifest of app')).toHaveLength(size);
  });

  it('refuses an index or a manifest that links outside the layout, and a missing blob', async () => {
    const linked = path.join(work, 'linked');
    ({ manifestDigest } = await writeLayout(linked, [{ tar: tarBytes([{ name: 'etc/hostname', content: 'app\n' }]) }]));
    const outside = path.join(work, 'outside.json');
    await writeFile(outside, '{"secret":"from outside"}');
    const manifestFile = path.join(linked, 'blobs', 'sha256', manifestDigest.slice(7));
    await rm(manifestFile);
    await symlink(outside, manifestFile);
    const source = new LayoutSource(linked);
    await expect(readSmallBlob(source, manifestDigest, 1024 * 1024, 'the manifest')).rejects.toThrow('links outside the layout');
    await rm(path.join(linked, 'index.json'));
    await symlink(outside, path.join(linked, 'index.json'));
    await expect(readSmallBlob(source, 'index.json', 1024 * 1024, 'index.json')).rejects.toThrow('links outside the layout');
    await expect(readSmallBlob(source, `sha256:${'0'.repeat(64)}`, 1024 * 1024, 'the config')).rejects.toThrow(`has no blob sha256:${'0'.repeat(64)}`);
  });
});
