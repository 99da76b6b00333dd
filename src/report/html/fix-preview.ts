import type { Finding } from '../../model/finding.js';

/** What the report shows under "Fix": the finding's own edits as a before/after, or the command that fixes it. */
export type FixPreview =
  | { readonly kind: 'diff'; readonly description: string; readonly before: string; readonly after: string }
  | { readonly kind: 'edits'; readonly description: string; readonly replacements: readonly string[] }
  | { readonly kind: 'command'; readonly description: string; readonly command: string };

const TRUNCATION_MARK = '…';

/**
 * Applies the finding's edits to its source line when they fall inside it; the snippet is all the
 * report has of the file (reporters never read files), so edits elsewhere are listed instead.
 */
export function fixPreview(finding: Finding, fixable: boolean): FixPreview | undefined {
  const { fix } = finding;
  if (!fix) {
    return fixable ? { kind: 'command', description: 'it rewrites this reference for you.', command: 'rampart pin' } : undefined;
  }
  // a secret's snippet is redacted, so offsets into it mean nothing and the "before" must not be rebuilt
  const afterLine = finding.layer === 'secrets' ? undefined : applyToLine(finding, fix.edits);
  if (afterLine !== undefined) {
    return { kind: 'diff', description: fix.description, before: finding.snippet, after: afterLine };
  }
  return { kind: 'edits', description: fix.description, replacements: fix.edits.map((edit) => edit.text) };
}

function applyToLine(finding: Finding, edits: NonNullable<Finding['fix']>['edits']): string | undefined {
  const { snippet, location, span } = finding;
  if (snippet === '' || snippet.endsWith(TRUNCATION_MARK) || edits.length === 0) return undefined;
  const lineStart = span.start - (location.column - 1);
  const lineEnd = lineStart + snippet.length;
  const relative = [];
  for (const edit of edits) {
    if (edit.path !== location.path || edit.start < lineStart || edit.end > lineEnd || edit.end < edit.start) return undefined;
    relative.push({ start: edit.start - lineStart, end: edit.end - lineStart, text: edit.text });
  }
  relative.sort((a, b) => b.start - a.start);
  let after = snippet;
  let previousStart = Number.POSITIVE_INFINITY;
  for (const edit of relative) {
    if (edit.end > previousStart) return undefined; // overlapping edits: do not guess
    after = after.slice(0, edit.start) + edit.text + after.slice(edit.end);
    previousStart = edit.start;
  }
  return after;
}
