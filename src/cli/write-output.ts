import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import path from 'node:path';
import { RampartError } from '../errors.js';
import { replaceFile, systemErrorText } from '../fix/write-file.js';

/**
 * Writes a report (or a baseline) to a file, or to standard output when no file is named.
 *
 * A regular file, or a path where nothing is yet, is replaced atomically (an exclusive temporary
 * file beside it, then rename), keeping the old file's permission bits. A device path under /dev
 * or /proc (/dev/stdout, /dev/null, /dev/fd/3) is written in place, as a shell redirection would.
 * Anything else, a symbolic link above all, is refused: the file may sit in the scanned tree, and
 * a link planted there must not make Rampart overwrite a file elsewhere.
 */
export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (!file || STDOUT_PATHS.has(file)) {
    await writeStdout(text); // /dev/stdout cannot be opened when standard output is a socket
    return;
  }
  const target = path.resolve(file);
  try {
    const existing = await lstat(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!existing || existing.isFile()) {
      await replaceFile(target, text, existing ? existing.mode & 0o7777 : undefined);
    } else if (isSystemDevicePath(target)) {
      await writeInPlace(target, text);
    } else {
      const what = existing.isSymbolicLink() ? 'a symbolic link' : existing.isDirectory() ? 'a directory' : 'not a regular file';
      throw new RampartError('io-failed', `cannot write ${file}: it is ${what}; Rampart writes reports only to regular files (or devices under /dev)`);
    }
  } catch (error) {
    if (error instanceof RampartError) throw error;
    throw new RampartError('io-failed', `cannot write ${file}: ${systemErrorText(error)}`, { cause: error });
  }
}

const STDOUT_PATHS = new Set(['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);

function isSystemDevicePath(absolute: string): boolean {
  return /^\/(?:dev|proc)\//.test(absolute);
}

/**
 * Opens an existing device or pipe without creating anything, and writes the whole text; a pipe
 * whose reader has gone (`-o /dev/stdout | head`) is not an error, as on standard output.
 */
async function writeInPlace(target: string, text: string): Promise<void> {
  const handle = await open(target, constants.O_WRONLY | constants.O_TRUNC);
  try {
    await handle.writeFile(text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
  } finally {
    await handle.close();
  }
}

const handledFailures = new WeakSet<object>();
let stdoutFailure: NodeJS.ErrnoException | undefined;
let guarded = false;

/**
 * A failed write to standard output is also emitted as an 'error' event, which unhandled crashes
 * the process with a stack trace. This listener keeps the first failure for `unhandledStdoutFailure`.
 */
export function guardStdout(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    stdoutFailure ??= error;
  });
}

/**
 * A failure of a write nobody awaited (a command that printed and returned), as a message; none
 * for EPIPE, since a reader that closed the pipe early (`| head`) has all it wanted.
 */
export async function unhandledStdoutFailure(): Promise<string | undefined> {
  // an empty write calls back once every earlier write has succeeded or failed
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  if (!stdoutFailure || handledFailures.has(stdoutFailure) || stdoutFailure.code === 'EPIPE') return undefined;
  return `cannot write to standard output: ${systemErrorText(stdoutFailure)}`;
}

/**
 * Writes to standard output and waits until it is written. A reader that closed the pipe early
 * (`rampart scan | head`) is not an error: the rest is not wanted and the command ends as it would
 * have. Any other failure (a full disk) is an error naming the cause.
 */
export async function writeStdout(text: string): Promise<void> {
  guardStdout();
  try {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
  } catch (error) {
    if (typeof error === 'object' && error !== null) handledFailures.add(error);
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw new RampartError('io-failed', `cannot write to standard output: ${systemErrorText(error)}`, { cause: error });
  }
}
