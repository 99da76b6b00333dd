import { randomBytes } from 'node:crypto';
import { readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TextEdit } from '../model/finding.js';
import { applyEdits, editsByPath } from './apply-edits.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
  for (const [relative, fileEdits] of editsByPath(edits)) {
    const absolute = path.join(root, ...relative.split('/'));
    let bytes: Buffer;
    try {
      bytes = await readFile(absolute);
    } catch (error) {
      throw new Error(`${relative}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
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
 * Writes a file atomically: a temporary file in the same directory, then rename over the target,
 * keeping the target's permission bits. Nothing is written when the text is unchanged.
 */
export async function writeFileAtomic(linkOrFile: string, text: string, previous?: string): Promise<boolean> {
  if (previous !== undefined && previous === text) return false;
  // through a symbolic link, replace the file it points at, never the link itself
  const absolute = await realpath(linkOrFile).catch(() => linkOrFile);
  const mode = (await stat(absolute).catch(() => undefined))?.mode;
  const temporary = path.join(path.dirname(absolute), `.${path.basename(absolute)}.rampart-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, mode === undefined ? {} : { mode: mode & 0o7777 });
    await rename(temporary, absolute);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return true;
}

export async function writeChanges(root: string, changes: readonly FileChange[]): Promise<void> {
  for (const change of changes) {
    await writeFileAtomic(path.join(root, ...change.path.split('/')), change.after, change.before);
  }
}
