import { closeSync, readSync } from 'node:fs';
import { RampartError } from '../../errors.js';
import { adoptGit, startGit, type GitRun } from './git-run.js';

/** Something that consumes a git command's output as it arrives. */
export interface StreamConsumer {
  push(chunk: Buffer): void;
  end(): void;
}

/** the least room left in the read buffer for a read of the spool file: less, and a fresh buffer is taken */
const SPOOL_READ_BYTES = 256 << 10;
/** the buffer spool reads fill, one after the other */
const SPOOL_BUFFER_BYTES = 4 << 20;
/** how long to wait for git to write more once a spool file has been read to its end */
const SPOOL_WAIT_MS = 1;

/**
 * Runs git with `input` on stdin (or takes over the same command started ahead, see
 * `prefetchGit`) and feeds its stdout to a consumer as it streams; resolves when git has finished
 * and the consumer has taken the end. A consumer error stops git. With `spoolIn`, git writes to
 * an unlinked file there and the consumer follows it (see `startGit`). `env` is added to git's environment.
 */
export function streamGit(cwd: string, args: readonly string[], input: string, consumer: StreamConsumer, spoolIn?: string, env: Readonly<Record<string, string>> = {}): Promise<void> {
  const run = (input === '' && Object.keys(env).length === 0 ? adoptGit(cwd, args) : undefined) ?? startGit(cwd, args, input, spoolIn, env);
  return new Promise((resolve, reject) => {
    let failure: unknown;
    let settled = false;
    const push = (chunk: Buffer): void => {
      if (failure) return;
      try {
        consumer.push(chunk);
      } catch (error) {
        failure = error;
        run.child.kill();
      }
    };
    const settle = (): void => {
      if (settled) return;
      settled = true;
      if (run.spool !== undefined) closeSync(run.spool);
      if (run.error) return reject(new RampartError('git-failed', `cannot run git: ${run.error.message}`, { cause: run.error }));
      if (failure) return reject(failure);
      if (run.exit !== 0) return reject(gitFailure(run, args));
      try {
        consumer.end();
        resolve();
      } catch (error) {
        reject(error);
      }
    };
    if (run.spool !== undefined) return followSpool(run, run.spool, push, () => failure !== undefined, settle);
    for (const chunk of run.early.splice(0)) push(chunk);
    if (run.exit !== undefined || run.error) return settle();
    run.child.stdout?.on('data', push);
    run.child.once('error', settle);
    run.child.once('close', settle);
  });
}

/**
 * Reads the spool file as git writes it, a chunk per turn of the event loop; at its end, waits
 * for more until git has exited. What git wrote before it exited is all there is once it has.
 */
function followSpool(run: GitRun, fd: number, push: (chunk: Buffer) => void, failed: () => boolean, settle: () => void): void {
  let position = 0;
  /**
   * Reads fill one buffer from its start on, each handing over the part it filled; a fresh
   * buffer only once that one is nearly full. A buffer per read (most reads find little, or
   * nothing, while git catches up) made the garbage collector most of the cost of reading history.
   */
  let buffer = Buffer.allocUnsafe(SPOOL_BUFFER_BYTES);
  let filled = 0;
  const step = (): void => {
    if (failed()) return settle();
    // checked before reading: an empty read after git has exited is the real end (`startGit` records the exit)
    const finished = run.exit !== undefined || run.error !== undefined;
    if (buffer.length - filled < SPOOL_READ_BYTES) {
      buffer = Buffer.allocUnsafe(SPOOL_BUFFER_BYTES);
      filled = 0;
    }
    let read: number;
    try {
      read = readSync(fd, buffer, filled, buffer.length - filled, position);
    } catch (error) {
      run.child.kill();
      run.error ??= error instanceof Error ? error : new Error(String(error));
      return settle();
    }
    if (read > 0) {
      position += read;
      // the consumer may keep views of what it was handed: the next read goes after them
      push(buffer.subarray(filled, filled + read));
      filled += read;
      setImmediate(step);
    } else if (finished) {
      settle();
    } else {
      setTimeout(step, SPOOL_WAIT_MS);
    }
  };
  step();
}

function gitFailure(run: GitRun, args: readonly string[]): RampartError {
  const reason = Buffer.concat(run.stderr).toString('utf8').trim().split('\n')[0] || `exit ${run.exit}`;
  return new RampartError('git-failed', `git ${args.find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? ''} failed: ${reason}`);
}
