import { randomBytes } from 'node:crypto';
import { constants, unlinkSync } from 'node:fs';
import { lstat, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Rampart's temporary files: `.<name>.rampart-<pid>-<12 hex>.tmp` beside the file they will replace.
 * Each is created exclusively (never through a link, never an existing file), removed if the
 * process is interrupted by SIGINT or SIGTERM, and swept by a later run once its process is gone.
 */
const TEMPORARY_NAME = /^\..*\.rampart-(\d+)-[0-9a-f]{12}\.tmp$/;
const CREATE_EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** a long name plus the suffix must stay under NAME_MAX (255 bytes) */
const NAME_KEPT = 120;

const pending = new Set<string>();
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * The shell convention (128 + signal number) tells a caller the run was interrupted rather than
 * failed on its own; the temporary files are removed first so nothing is left behind.
 */
function onSignal(signal: NodeJS.Signals): void {
  for (const file of pending) {
    try {
      unlinkSync(file);
    } catch {
      // already renamed into place, or never created
    }
  }
  pending.clear();
  process.exit(SIGNAL_EXIT[signal] ?? 2);
}

let handling = false;

/**
 * The handlers stay once installed: removed when no file is pending, a signal already on its way
 * would find no listener and be dropped, and the process would carry on.
 */
function track(file: string): void {
  if (!handling) for (const signal of Object.keys(SIGNAL_EXIT)) process.on(signal, onSignal);
  handling = true;
  pending.add(file);
}

/** Stops tracking a temporary file (renamed into place or removed). */
export function untrackTemporary(file: string): void {
  pending.delete(file);
}

function temporaryName(target: string): string {
  const base = path.basename(target).slice(0, NAME_KEPT);
  return path.join(path.dirname(target), `.${base}.rampart-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Creates a new temporary file beside `target` with O_CREAT|O_EXCL|O_NOFOLLOW: a name planted in
 * advance (a file, a symbolic link) makes the attempt fail and another random name is tried.
 */
export async function createTemporary(target: string, mode: number): Promise<{ file: string; handle: FileHandle }> {
  for (let attempt = 0; ; attempt++) {
    const file = temporaryName(target);
    track(file);
    try {
      return { file, handle: await open(file, CREATE_EXCLUSIVE, mode) };
    } catch (error) {
      untrackTemporary(file);
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw error;
    }
  }
}

/**
 * Removes temporary files a previous, killed Rampart left in `directory`: only names of Rampart's
 * own pattern, only regular files owned by this user, only when the process that made them is gone.
 * Returns the names removed.
 */
export async function removeStaleTemporaries(directory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(TEMPORARY_NAME.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || isRunning(pid)) continue;
    const file = path.join(directory, name);
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile() || (process.getuid && info.uid !== process.getuid())) continue;
    try {
      await unlink(file);
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
