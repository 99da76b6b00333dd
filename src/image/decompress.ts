import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
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
export function findZstd(): string | null {
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
    if (code !== 0) duplex.destroy(zstdFailure(code, stderr));
  });
  child.on('error', (error) => duplex.destroy(error));
  duplex.on('close', () => { if (child.exitCode === null) child.kill(); });
  return duplex;
}

/** the error of a `zstd` that exited with `code`, in its own words */
export function zstdFailure(code: number | null, stderr: string): Error {
  return new Error(`zstd: ${stderr.trim().replace(/^zstd: /, '').replace(/\s+/g, ' ') || `exit ${code}`}`);
}

/**
 * fzstd decodes every whole block of what it is given at once, without a pause: one 64 KiB chunk of
 * RLE blocks (4 bytes each, 128 KiB out) is 2 GiB in memory before anyone reads it. Fed 512 bytes at
 * a time, one slice yields at most 16 MiB, and the next waits until that was read.
 */
const ZSTD_JS_SLICE = 512;

async function zstdJavaScript(): Promise<Duplex> {
  const { Decompress } = await import('fzstd');
  return Duplex.from(async function* inflate(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let out: Buffer[] = [];
    const decoder = new Decompress((data) => { out.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength)); });
    const push = (slice: Uint8Array, final: boolean): Buffer[] => {
      try {
        decoder.push(slice, final);
      } catch (error) {
        throw new Error(`zstd: ${(error as Error).message}`);
      }
      const taken = out;
      out = [];
      return taken;
    };
    for await (const chunk of source) {
      for (let at = 0; at < chunk.length; at += ZSTD_JS_SLICE) yield* push(chunk.subarray(at, at + ZSTD_JS_SLICE), false);
    }
    yield* push(new Uint8Array(0), true);
  });
}
