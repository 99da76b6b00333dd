import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runModuleScript } from './helpers/module-script.js';
import { readLayerFileInWorker } from '../src/image/layer-inflate.js';
import { readLayerBlob, type LayerDigests } from '../src/image/layer-reader.js';
import type { FileBody } from '../src/image/file-body.js';
import type { TarEntry } from '../src/image/tar-reader.js';

const work = mkdtempSync(path.join(tmpdir(), 'rampart-inflate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** a tar (GNU tar) of text files of many sizes, some larger than the worker's ring, about `megabytes` MB */
function layerTar(name: string, megabytes: number): string {
  const tree = path.join(work, `${name}-tree`);
  let written = 0;
  for (let index = 0; written < megabytes * 1024 * 1024; index += 1) {
    const size = index % 7 === 3 ? 9 * 1024 * 1024 + index : 1000 + ((index * 104_729) % (700 * 1024));
    const line = `file ${index} token${index * 31} listen 8080 server config value\n`;
    const target = path.join(tree, `dir${index % 5}`, `file${index}.txt`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, line.repeat(Math.ceil(size / line.length)).slice(0, size));
    written += size;
  }
  const tar = path.join(work, `${name}.tar`);
  const result = spawnSync('tar', ['--sort=name', '--owner=0', '--group=0', '-cf', tar, '-C', tree, '.']);
  if (result.status !== 0) throw new Error(String(result.stderr));
  return tar;
}

interface Seen { entries: string[]; digests: LayerDigests }

/** every member's name, size and the SHA-256 of what the visitor was handed: whole files (also some larger than half the ring), the first 4 KiB of others */
async function read(file: string, inWorker: boolean): Promise<Seen> {
  const entries: string[] = [];
  const wanted = (entry: TarEntry): number => (entry.size > 2 * 1024 * 1024 && entry.size % 2 === 1 ? 4096 : entry.size);
  const visit = (entry: TarEntry, body: FileBody | undefined, truncated: boolean): void => {
    const hash = createHash('sha256');
    for (const part of body?.parts ?? []) hash.update(part);
    entries.push(`${entry.name} ${entry.size} ${truncated} ${body?.length ?? '-'} ${hash.digest('hex').slice(0, 16)}`);
  };
  const digests = inWorker
    ? await readLayerFileInWorker({ file, start: 0, length: statSync(file).size }, wanted, visit)
    : await readLayerBlob(createReadStream(file), wanted, visit);
  return { entries, digests };
}

describe('layers read, hashed and decompressed in a worker thread', () => {
  const tar = layerTar('layer', 40);
  const bytes = readFileSync(tar);
  const variants: Record<string, Buffer> = {
    'gzip': gzipSync(bytes, { level: 1 }),
    'uncompressed': bytes,
  };
  const zstd = spawnSync('zstd', ['-q', '-1', '-c', tar]);
  if (zstd.status === 0) {
    variants['zstd'] = zstd.stdout;
    variants['zstd cut short'] = zstd.stdout.subarray(0, Math.floor(zstd.stdout.length * 0.6));
    const damaged = Buffer.from(zstd.stdout);
    for (let index = 0; index < 64; index += 1) damaged[Math.floor(damaged.length * 0.9) + index]! ^= 0xff;
    variants['zstd damaged'] = damaged;
  }
  const gzip = variants['gzip']!;
  // damaged: cut inside the stream, bytes flipped in the middle, a tar cut inside a member
  variants['gzip cut short'] = gzip.subarray(0, Math.floor(gzip.length * 0.6));
  const flipped = Buffer.from(gzip);
  for (let index = 0; index < 64; index += 1) flipped[Math.floor(flipped.length / 2) + index]! ^= 0xff;
  variants['gzip damaged'] = flipped;
  variants['tar cut short'] = gzipSync(bytes.subarray(0, Math.floor(bytes.length * 0.7)), { level: 1 });
  // gzip as some builders write it: members one after the other (eStargz, pigz --independent), zeros after the end
  const third = Math.floor(bytes.length / 3 / 512) * 512;
  variants['gzip members'] = Buffer.concat([bytes.subarray(0, third), bytes.subarray(third, 2 * third), bytes.subarray(2 * third)].map((part) => gzipSync(part, { level: 1 })));
  variants['gzip then zeros'] = Buffer.concat([gzip, Buffer.alloc(3000)]);
  variants['gzip then garbage'] = Buffer.concat([gzip, Buffer.from('not gzip at all')]);

  for (const [name, content] of Object.entries(variants)) {
    it(`${name}: the same digests, members, contents and errors as reading in this thread`, async () => {
      const file = path.join(work, `${name.replace(/ /g, '-')}.blob`);
      writeFileSync(file, content);
      const here = await read(file, false);
      const there = await read(file, true);
      // where a broken layer stopped (its expandedSize) depends on how far each decoder read ahead
      // and which error a cut zstd stream is reported with: zstd's own (the worker waits for its exit) or the tar's
      const comparable = ({ expandedSize, error, ...digests }: LayerDigests): Partial<LayerDigests> => (error
        ? { ...digests, error: name.startsWith('zstd') ? 'some' : error }
        : { ...digests, ...(expandedSize === undefined ? {} : { expandedSize }) });
      expect(comparable(there.digests)).toEqual(comparable(here.digests));
      expect(there.entries).toEqual(here.entries);
      expect(here.entries.length).toBeGreaterThan(20);
      if (['gzip', 'uncompressed', 'zstd', 'gzip members', 'gzip then zeros'].includes(name)) {
        expect(there.digests).toMatchObject({ diffId: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, blobSize: content.length });
      } else {
        expect((there.digests as { error?: string }).error).toBeTruthy();
      }
    }, 120_000);
  }

  it('one thread reads every layer, and a process that used it exits by itself; a missing file is an error naming it', async () => {
    const file = path.join(work, 'exit.blob');
    writeFileSync(file, variants['gzip']!);
    const script = [
      `import { readLayerFileInWorker } from ${JSON.stringify(new URL('../src/image/layer-inflate.ts', import.meta.url).href)};`,
      `const blob = { file: ${JSON.stringify(file)}, start: 0, length: ${variants['gzip']!.length} };`,
      'const first = await readLayerFileInWorker(blob, () => 0, () => undefined);',
      'const second = await readLayerFileInWorker(blob, () => 0, () => undefined);',
      `const missing = await readLayerFileInWorker({ ...blob, file: ${JSON.stringify(`${file}.gone`)} }, () => 0, () => undefined).catch((error) => error.code + ' ' + error.message);`,
      "process.stdout.write(JSON.stringify([first.diffId === second.diffId && !!first.diffId, missing]));",
    ].join('\n');
    const { output, exited } = await runModuleScript(script);
    const [same, missing] = JSON.parse(output) as [boolean, string];
    expect(same).toBe(true);
    expect(missing).toMatch(/^ENOENT .*exit\.blob\.gone/);
    expect(exited).toBe(0);
  }, 60_000);
});
