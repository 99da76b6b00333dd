import type { TextEdit } from '../model/finding.js';

export class EditConflictError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'EditConflictError';
  }
}

/** Edits sorted by position; insertions at the same offset keep their given order. */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.order - b.order)
    .map(({ edit }) => edit);
}

/**
 * Applies text edits to one file's text. Every character outside the edited ranges is kept as it
 * was (line endings, BOM, trailing newline). Identical duplicate edits collapse into one;
 * overlapping different edits are an error, never a guess.
 */
export function applyEdits(path: string, text: string, edits: readonly TextEdit[]): string {
  const sorted = dedupeEdits(sortEdits(edits));
  let result = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.path !== path) throw new EditConflictError(path, `an edit for ${edit.path} was given`);
    if (edit.start < 0 || edit.end < edit.start || edit.end > text.length) {
      throw new EditConflictError(path, `edit [${edit.start}, ${edit.end}) is outside the file (length ${text.length})`);
    }
    if (edit.start < cursor) throw new EditConflictError(path, `edits overlap at offset ${edit.start}`);
    result += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

function dedupeEdits(sorted: TextEdit[]): TextEdit[] {
  const kept: TextEdit[] = [];
  for (const edit of sorted) {
    const previous = kept[kept.length - 1];
    if (previous && previous.start === edit.start && previous.end === edit.end && previous.text === edit.text && edit.start !== edit.end) continue;
    kept.push(edit);
  }
  return kept;
}

/** Groups edits by file path. */
export function editsByPath(edits: readonly TextEdit[]): Map<string, TextEdit[]> {
  const grouped = new Map<string, TextEdit[]>();
  for (const edit of edits) {
    const list = grouped.get(edit.path) ?? [];
    list.push(edit);
    grouped.set(edit.path, list);
  }
  return grouped;
}
