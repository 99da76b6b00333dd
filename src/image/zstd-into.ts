import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fstatSync, mkdtempSync, readSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zstdFailure } from './decompress.js';
import type { BlobFile } from './layer-inflate.js';
import { expansionExceeded, type LayerLimits } from './layer-limits.js';
import type { LayerDigests } from './layer-reader.js';
import type { TarSink } from './layer-file-direct.js';

/** bytes of the blob read (and hashed, and piped to zstd) at a time */
const STEP = 1024 * 1024;

type OnRead = { buffer: () => Uint8Array; callback: (bytes: number) => boolean };

/**
 * A connected pair of Unix sockets, ours reading into memory `onread` hands out (net.Socket's
 * onread), by way of a listening socket in a directory of our own (mode 0700: nobody else can
 * connect first), removed once connected.
 */
async function socketPair(onread: OnRead): Promise<{ ours: net.Socket; theirs: net.Socket }> {
  const directory = mkdtempSync(path.join(tmpdir(), 'rampart-zstd-'));
  const server = net.createServer();
  try {
    const address = path.join(directory, 'tar');
    await new Promise<void>((resolve, reject) => { server.once('error', reject).listen(address, resolve); });
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const ours = net.connect({ path: address, onread });
    await new Promise<void>((resolve, reject) => { ours.once('connect', resolve).once('error', reject); });
    return { ours, theirs: await accepted };
  } finally {
    server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * `digestLayer` for a zstd blob in an open file, by the `zstd` program: it reads the file itself
 * when the blob is the whole file (else the blob is piped to it), and writes the tar into a socket
 * whose every read lands straight in the sink. Through the child's stdout pipe each 64 KiB read was
 * a new buffer and a copy; for a 130 MB tar that was more CPU than zstd took to decompress it.
 * Undefined when no socket pair could be made (the caller then uses the streams).
 */
export async function digestZstdFile(fd: number, blob: BlobFile, binary: string, sink: TarSink, limits: LayerLimits): Promise<LayerDigests | undefined> {
  const tarHash = createHash('sha256');
  let expandedSize = 0;
  let stored = 0;
  let failure: Error | undefined;
  let child: ChildProcess | undefined;
  let region = sink.next();
  let ours: net.Socket | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    ours?.destroy();
    if (child && child.exitCode === null) child.kill();
  };
  const onread: OnRead = {
    buffer: () => (region = sink.next()),
    callback: (bytes) => {
      if (failure) return false;
      expandedSize += bytes;
      const exceeded = limits.expansion && expansionExceeded(limits.expansion, stored, expandedSize);
      if (exceeded) {
        fail(new Error(exceeded));
        return false;
      }
      tarHash.update(region.subarray(0, bytes));
      sink.commit(bytes);
      // the next read goes to sink.next(), which must be free first
      const wanted = sink.next().length;
      try {
        if (sink.free() >= wanted) return true;
      } catch (error) {
        fail(error as Error);
        return false;
      }
      sink.room(wanted).then(() => ours?.resume(), fail);
      return false;
    },
  };
  let pair: { ours: net.Socket; theirs: net.Socket };
  try {
    pair = await socketPair(onread);
  } catch {
    return undefined;
  }
  ours = pair.ours;
  const tarEnded = new Promise<void>((resolve) => { pair.ours.once('end', resolve).once('close', resolve).on('error', fail); });
  const wholeFile = blob.start === 0 && fstatSync(fd).size === blob.length;
  child = spawn(binary, ['-dcq', '--no-progress'], { stdio: [wholeFile ? fd : 'pipe', pair.theirs, 'pipe'] });
  pair.theirs.destroy(); // the child has its own
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-500); });
  child.stdin?.on('error', () => undefined); // EPIPE when zstd stops early: its exit status says why
  const exited = new Promise<void>((resolve) => {
    child!.once('error', (error) => { fail(error); resolve(); });
    child!.once('close', (code) => {
      if (code !== 0) fail(failure ?? zstdFailure(code, stderr));
      resolve();
    });
  });

  const blobHash = createHash('sha256');
  // piped chunks are the pipe's until written; the file zstd reads itself is hashed through one buffer
  const reused = wholeFile ? Buffer.allocUnsafe(STEP) : undefined;
  try {
    while (stored < blob.length) {
      const input = reused ?? Buffer.allocUnsafe(STEP);
      const read = readSync(fd, input, 0, Math.min(STEP, blob.length - stored), blob.start + stored);
      if (read === 0) break;
      const chunk = input.subarray(0, read);
      blobHash.update(chunk);
      stored += read;
      if (child.stdin && !failure && child.exitCode === null) await new Promise((resolve) => child!.stdin!.write(chunk, resolve));
    }
  } finally {
    child.stdin?.end();
  }
  await exited;
  await tarEnded;
  return {
    blobDigest: `sha256:${blobHash.digest('hex')}`,
    blobSize: stored,
    compression: 'zstd',
    expandedSize,
    ...(failure ? { error: failure.message } : { diffId: `sha256:${tarHash.digest('hex')}` }),
  };
}
