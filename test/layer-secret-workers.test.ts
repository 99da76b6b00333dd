import { describe, expect, it } from 'vitest';
import { withCrc32Base62Suffix } from '../src/secrets/checksum.js';
import { runModuleScript } from './helpers/module-script.js';
import { LayerSecretScanner, SECRET_WORKER } from '../src/image/layer-secret-scanner.js';
import { SecretScanPool } from '../src/image/secret-scan-pool.js';
import type { ImageEntry } from '../src/image/squash.js';
import { DETECTORS } from '../src/secrets/catalogue.js';
import { labelledSet } from './helpers/labelled-secrets.js';

/** The labelled secret files, spread over two layers, with filler large enough to make several batches. */
function layerFiles(): Array<{ entry: ImageEntry; content: Buffer }> {
  const set = labelledSet(DETECTORS.filter((_, index) => index % 8 === 0));
  const filler = Buffer.from('listen 8080 server config value\n'.repeat(40_000));
  const files = set.files.flatMap((file, index) => [
    { path: `app/${index}/${file.path}`, content: Buffer.from(file.text) },
    ...(index % 10 === 0 ? [{ path: `app/${index}/filler.txt`, content: filler }] : []),
  ]);
  return files.map(({ path, content }, index) => ({ entry: { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: content.length, linkname: '', layer: index < files.length / 2 ? 0 : 1 }, content }));
}

async function scanWith(scanner: LayerSecretScanner, files: ReturnType<typeof layerFiles>): Promise<string[]> {
  try {
    for (const layer of [0, 1]) {
      for (const { entry, content } of files) if (entry.layer === layer && scanner.wanted(entry) > 0) await scanner.visit(entry, content);
      await scanner.endLayer();
    }
  } finally {
    scanner.close();
  }
  return (await scanner.secrets()).map((secret) => `${secret.layer} ${secret.path}:${secret.line}:${secret.column} ${secret.detector.id} ${secret.hash}`);
}

describe('layer secret scan in worker threads', () => {
  it('finds exactly what the in-thread scan finds, in the same order', async () => {
    const files = layerFiles();
    const inThread = await scanWith(new LayerSecretScanner({ workers: 0 }), files);
    const inWorkers = await scanWith(new LayerSecretScanner({ workers: 2, inThreadBytes: 0 }), files);
    expect(inThread.length).toBeGreaterThan(20);
    expect(inWorkers).toEqual(inThread);
  }, 60_000);

  it('scanners of several images at once share the threads, and each gets its own files\' secrets in order', async () => {
    const files = layerFiles();
    const inThread = await scanWith(new LayerSecretScanner({ workers: 0 }), files);
    const running = Math.max(1, SecretScanPool.threads(SECRET_WORKER));
    const first = new LayerSecretScanner({ workers: 1, inThreadBytes: 0 });
    const second = new LayerSecretScanner({ workers: 1, inThreadBytes: 0 });
    const both = await Promise.all([scanWith(first, files), scanWith(second, files)]);
    expect(both).toEqual([inThread, inThread]);
    expect(SecretScanPool.threads(SECRET_WORKER)).toBe(running);
    expect(await scanWith(new LayerSecretScanner({ workers: 1, inThreadBytes: 0 }), files)).toEqual(inThread);
    expect(SecretScanPool.threads(SECRET_WORKER)).toBe(running);
  }, 60_000);

  it('a process whose scan used the shared threads exits by itself when done', async () => {
    const script = [
      `import { LayerSecretScanner } from ${JSON.stringify(new URL('../src/image/layer-secret-scanner.ts', import.meta.url).href)};`,
      'const scanner = new LayerSecretScanner({ workers: 1, inThreadBytes: 0 });',
      "const entry = { path: 'srv/a.env', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, linkname: '', layer: 0 };",
      `await scanner.visit(entry, Buffer.from('TOKEN=ghp_${withCrc32Base62Suffix('a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5')}\\n'));`,
      'await scanner.endLayer();',
      'scanner.close();',
      "process.stdout.write(String((await scanner.secrets()).length));",
    ].join('\n');
    const { output, exited } = await runModuleScript(script);
    expect(output).toBe('1');
    expect(exited).toBe(0);
  }, 60_000);

  it('a worker that cannot start costs time, not findings: its batches are scanned in this thread', async () => {
    const scanned: string[] = [];
    const pool = new SecretScanPool(1, { base: import.meta.url, name: 'no-such-worker' }, (job) => [job.path]);
    try {
      for (let index = 0; index < 600; index++) await pool.submit({ path: `file${index}`, layer: 0, content: Buffer.alloc(4096, 0x61) });
      scanned.push(...(await pool.drain()));
    } finally {
      pool.close();
    }
    expect(scanned).toEqual(Array.from({ length: 600 }, (_, index) => `file${index}`));
  }, 60_000);
});
