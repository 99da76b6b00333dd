import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { Duplex, PassThrough, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type Compression = 'gzip' | 'zstd' | 'none';

/** By magic bytes, never by media type: registries and `docker save` label layers loosely. */
export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

let zstdBinary: string | null | undefined;

/**
 * Node 20's zlib has no zstd. The `zstd` program, where installed, decompresses about 2.5× faster
 * than pure JavaScript (brief §1: 3.9 s against 10.1 s for a 712 MB layer); fzstd is the fallback
 * that always works. RAMPART_ZSTD=js forces the fallback.
 */
function findZstd(): string | null {
  if (process.env['RAMPART_ZSTD'] === 'js') return null;
  if (zstdBinary !== undefined) return zstdBinary;
  zstdBinary = null;
  for (const directory of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, 'zstd');
    try {
      accessSync(candidate, constants.X_OK);
      zstdBinary = candidate;
      break;
    } catch {
      // not here
    }
  }
  return zstdBinary;
}

/** A writable-readable pair that turns the compressed bytes into the tar stream (gzip in chunks of `chunkSize`). */
export async function decompressor(compression: Compression, chunkSize = 64 * 1024): Promise<Duplex> {
  if (compression === 'none') return new PassThrough();
  if (compression === 'gzip') return createGunzip({ chunkSize });
  const binary = findZstd();
  return binary ? zstdProcess(binary) : await zstdJavaScript();
}

function zstdProcess(binary: string): Duplex {
  const child = spawn(binary, ['-dcq', '--no-progress'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-500); });
  const duplex = Duplex.from({ writable: child.stdin, readable: child.stdout });
  child.stdin.on('error', () => undefined); // EPIPE when zstd stops early: its exit status says why
  child.on('close', (code) => {
    if (code !== 0) duplex.destroy(new Error(`zstd: ${stderr.trim().replace(/^zstd: /, '').replace(/\s+/g, ' ') || `exit ${code}`}`));
  });
  child.on('error', (error) => duplex.destroy(error));
  duplex.on('close', () => { if (child.exitCode === null) child.kill(); });
  return duplex;
}

async function zstdJavaScript(): Promise<Duplex> {
  const { Decompress } = await import('fzstd');
  let decoder: InstanceType<typeof Decompress>;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        decoder.push(chunk);
        callback();
      } catch (error) {
        callback(new Error(`zstd: ${(error as Error).message}`));
      }
    },
    flush(callback) {
      try {
        decoder.push(new Uint8Array(0), true);
        callback();
      } catch (error) {
        callback(new Error(`zstd: ${(error as Error).message}`));
      }
    },
  });
  decoder = new Decompress((data) => { transform.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength)); });
  return transform;
}
