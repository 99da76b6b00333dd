import { realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { TextEdit } from '../model/finding.js';
import { safeReadFile } from '../sources/safe-read.js';
import { applyEdits, editsByPath } from './apply-edits.js';
import { createTemporary, untrackTemporary } from './temporary-files.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** about the longest string V8 holds: a longer file cannot be edited as text anyway */
const MAX_EDITED_BYTES = 512 * 1024 * 1024;

export interface FileChange {
  /** POSIX path relative to the root */
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/**
 * Computes the new text of every edited file, reading each from disk and refusing a file that no
 * longer matches the text the edits were planned on (changed meanwhile, or not valid UTF-8).
 */
export async function planChanges(root: string, edits: readonly TextEdit[], plannedTexts: ReadonlyMap<string, string>): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  for (const [relative, fileEdits] of editsByPath(edits)) {
    const absolute = path.join(root, ...relative.split('/'));
    // a link retargeted since the tree was read must not make the plan read (and diff) a file outside it
    const read = safeReadFile(absolute, { within: realRoot, maxBytes: MAX_EDITED_BYTES });
    if (!read.ok) throw new Error(`${relative}: skipped: ${read.problem}`);
    const bytes = read.bytes;
    let before: string;
    try {
      before = strictUtf8.decode(bytes);
    } catch {
      throw new Error(`${relative}: not valid UTF-8; left untouched`);
    }
    const planned = plannedTexts.get(relative);
    if (planned !== undefined && planned !== before) throw new Error(`${relative}: changed while rampart was working; left untouched`);
    const after = applyEdits(relative, before, fileEdits);
    if (after !== before) changes.push({ path: relative, before, after });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Replaces `file` atomically: a new temporary file beside it (created exclusively, never through
 * a link), written in full and flushed, then renamed over `file`. A reader sees the old text or
 * the new, never a part; on failure the temporary file is removed and `file` is untouched.
 * `mode` defaults to 0666 less the umask, as for any new file.
 */
export async function replaceFile(file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const { file: temporary, handle } = await createTemporary(file, mode ?? 0o666);
  try {
    try {
      if (mode !== undefined) await handle.chmod(mode); // the target's own bits, whatever the umask
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  } finally {
    untrackTemporary(temporary);
  }
}

/**
 * Writes an edited file of the scanned tree atomically, keeping its permission bits. Through a
 * symbolic link (the workspace only lists links that stay in the tree) the file it points at is
 * replaced, never the link. Nothing is written when the text is unchanged.
 */
export async function writeFileAtomic(linkOrFile: string, text: string, previous?: string): Promise<boolean> {
  if (previous !== undefined && previous === text) return false;
  const absolute = await realpath(linkOrFile).catch(() => linkOrFile);
  const mode = (await stat(absolute).catch(() => undefined))?.mode;
  await replaceFile(absolute, text, mode === undefined ? undefined : mode & 0o7777);
  return true;
}

export interface WriteOutcome {
  /** paths (relative, as in the changes) of the files replaced, one path per file */
  readonly written: string[];
  readonly failures: Array<{ readonly path: string; readonly reason: string }>;
}

/**
 * Keeps one change per file on disk: an in-tree link and its target reach the same file, which is
 * written (and shown in a diff) once. Different edits through two paths are a failure, never a guess.
 */
export async function oneChangePerFile(root: string, changes: readonly FileChange[]): Promise<{ changes: FileChange[]; failures: string[] }> {
  const kept: FileChange[] = [];
  const failures: string[] = [];
  const byRealPath = new Map<string, FileChange>();
  for (const change of changes) {
    const absolute = path.join(root, ...change.path.split('/'));
    const real = await realpath(absolute).catch(() => absolute);
    const earlier = byRealPath.get(real);
    if (!earlier) {
      byRealPath.set(real, change);
      kept.push(change);
    } else if (earlier.after !== change.after) {
      failures.push(`${change.path}: the same file as ${earlier.path}, which was given other edits; left as ${earlier.path} made it`);
    }
  }
  return { changes: kept, failures };
}

export interface WriteOutcome {
  /** paths (relative, as in the changes) of the files replaced */
  readonly written: string[];
  readonly failures: Array<{ readonly path: string; readonly reason: string }>;
}

/**
 * Writes every change, each file atomically. A file that cannot be replaced (immutable, a
 * read-only directory, a full disk) is reported and the others are still written.
 */
export async function writeChanges(root: string, changes: readonly FileChange[]): Promise<WriteOutcome> {
  const written: string[] = [];
  const failures: Array<{ path: string; reason: string }> = [];
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  for (const change of changes) {
    try {
      const file = path.join(root, ...change.path.split('/'));
      const refusal = await outsideTree(realRoot, file);
      if (refusal !== undefined) {
        failures.push({ path: change.path, reason: `${refusal}; left unchanged` });
        continue;
      }
      await writeFileAtomic(file, change.after, change.before);
      written.push(change.path);
    } catch (error) {
      failures.push({ path: change.path, reason: `cannot replace it (${systemErrorText(error)}); left unchanged` });
    }
  }
  return { written, failures };
}

/**
 * Why `file` (links followed) is not to be written: gone, or outside `realRoot`. The tree's walk leaves out links that lead
 * outside, but a link (or a directory on the way) may be changed between that walk and the write:
 * nothing is ever written through it to outside the tree.
 */
async function outsideTree(realRoot: string, file: string): Promise<string | undefined> {
  const real = await realpath(file).catch(() => undefined);
  if (real === undefined) return 'no longer there';
  const relative = path.relative(realRoot, real);
  const outside = relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  return outside ? 'now a link that leads outside the tree' : undefined;
}

/** `EPERM: operation not permitted`, without the paths Node appends (a temporary name means nothing to users). */
export function systemErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code && message.startsWith(`${code}:`)) return message.split(',')[0] ?? message;
  return code ?? message;
}
