import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { RampartError } from '../../errors.js';
import { gitEnvironment } from '../git-env.js';
import { ByteCollector } from './byte-collector.js';

/** A blob's content, or only its size when it is over the limit (its bytes are then never kept). */
export type BlobHandler = (id: string, size: number, body: Buffer | undefined) => void;
/** An object the repository does not hold (a partial clone's, or a damaged store's); without one, a missing object fails the stream. */
export type MissingHandler = (id: string) => void;

/**
 * One `git cat-file --batch --buffer` process: blob ids go in as they are known, contents come
 * back in the same order and are handed over one at a time, without collecting the whole output.
 */
export class BlobStream {
  readonly done: Promise<void>;
  private readonly child: ChildProcessWithoutNullStreams;
  private requested: string[] = [];
  private readonly pending = new ByteCollector();
  /** body bytes still expected for the current blob (its trailing newline included), -1 between blobs */
  private left = -1;
  private current: { id: string; size: number; keep: boolean } | undefined;
  private failure: unknown;

  constructor(cwd: string, private readonly maxSize: number, private readonly onBlob: BlobHandler, private readonly onMissing?: MissingHandler) {
    this.child = spawn('git', ['cat-file', '--batch', '--buffer'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: gitEnvironment({ GIT_CONFIG_NOSYSTEM: '1' }) });
    const stderr: Buffer[] = [];
    this.child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (this.failure) return;
      try {
        this.push(chunk);
      } catch (error) {
        this.failure = error;
        this.child.kill();
      }
    });
    this.done = new Promise((resolve, reject) => {
      this.child.on('error', (error) => reject(new RampartError('git-failed', `cannot run git: ${error.message}`, { cause: error })));
      this.child.on('close', (code) => {
        if (this.failure) return reject(this.failure);
        if (code !== 0) return reject(new RampartError('git-failed', `git cat-file failed: ${Buffer.concat(stderr).toString('utf8').trim().split('\n')[0] ?? `exit ${code}`}`));
        if (this.left !== -1 || this.pending.length > 0) return reject(new RampartError('git-failed', 'git cat-file output was cut short'));
        resolve();
      });
    });
  }

  /** Asks for a blob; ids asked for in one turn of the event loop go to git in one write. */
  request(id: string): void {
    if (this.requested.length === 0) queueMicrotask(() => this.flush());
    this.requested.push(id);
  }

  /** No more ids: git prints what is left and exits. */
  end(): void {
    this.flush();
    this.child.stdin.end();
  }

  private flush(): void {
    if (this.requested.length === 0) return;
    this.child.stdin.write(`${this.requested.join('\n')}\n`);
    this.requested = [];
  }

  private push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.left === -1) {
        const newline = chunk.indexOf(0x0a, offset);
        if (newline === -1) {
          this.pending.add(chunk.subarray(offset));
          return;
        }
        this.pending.add(chunk.subarray(offset, newline));
        this.header(this.pending.take().toString('latin1'));
        offset = newline + 1;
        continue;
      }
      const used = Math.min(this.left, chunk.length - offset);
      if (this.current?.keep) this.pending.add(chunk.subarray(offset, offset + used));
      this.left -= used;
      offset += used;
      if (this.left === 0) this.finishBlob();
    }
  }

  private header(line: string): void {
    const [id = '', type = '', size] = line.split(' ');
    if (type === 'missing' && this.onMissing) return this.onMissing(id);
    if (type === 'missing' || size === undefined) throw new RampartError('git-failed', `git object ${id} is missing`);
    const length = Number(size);
    this.current = { id, size: length, keep: length <= this.maxSize };
    this.left = length + 1;
  }

  private finishBlob(): void {
    const current = this.current!;
    const body = current.keep ? this.pending.take().subarray(0, current.size) : undefined;
    this.left = -1;
    this.current = undefined;
    this.onBlob(current.id, current.size, body);
  }
}

/** Reads a few blobs whole, by id, after a stream has named them; blobs over `maxSize`, and missing ones, are left out. */
export async function readBlobs(cwd: string, maxSize: number, ids: Iterable<string>): Promise<Map<string, Buffer>> {
  const bodies = new Map<string, Buffer>();
  const reader = new BlobStream(cwd, maxSize, (id, _size, body) => {
    if (body !== undefined) bodies.set(id, body);
  }, () => undefined);
  for (const id of new Set(ids)) reader.request(id);
  reader.end();
  await reader.done;
  return bodies;
}
