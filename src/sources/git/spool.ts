import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { commonDirectory, findWorkTree } from './work-tree.js';

/** Above this much packed history, git's output goes through a pipe: a spool would hold all of it unpacked. */
export const SPOOL_MAX_PACKED_BYTES = 64 * 1024 * 1024;

/** An unlinked file: git writes to `write` (closed once git has it), Rampart reads from `read`. */
export interface Spool {
  readonly write: number;
  readonly read: number;
}

/**
 * Where a whole-history reader may spool git's output: the repository's own git directory (on the
 * repository's disk, not a RAM-backed /tmp), when its packs are small enough; undefined otherwise.
 */
export function spoolDirectory(cwd: string, maxPacked = SPOOL_MAX_PACKED_BYTES): string | undefined {
  const workTree = findWorkTree(cwd);
  if (!workTree) return undefined;
  const packs = path.join(commonDirectory(workTree.gitDirectory), 'objects', 'pack');
  let packed = 0;
  try {
    for (const name of readdirSync(packs)) if (name.endsWith('.pack')) packed += statSync(path.join(packs, name)).size;
  } catch {
    // no packs yet: loose objects only, a young repository
  }
  return packed <= maxPacked ? workTree.gitDirectory : undefined;
}

/**
 * Opens a spool file in `directory` and unlinks it at once: nothing is left behind, even if
 * Rampart is killed. Undefined where that cannot be done (read-only repository, Windows, which
 * keeps open files linked), and the caller uses a pipe.
 */
export function openSpool(directory: string): Spool | undefined {
  const file = path.join(directory, `rampart-history-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const opened: number[] = [];
  try {
    opened.push(openSync(file, 'wx', 0o600));
    opened.push(openSync(file, 'r'));
    unlinkSync(file);
    return { write: opened[0]!, read: opened[1]! };
  } catch {
    for (const fd of opened) closeSync(fd);
    rmSync(file, { force: true });
    return undefined;
  }
}
