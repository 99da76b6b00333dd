import { redactSlice, secretHash, secretPreview } from '../redact.js';
import type { SecretMatch } from '../scan-text.js';
import type { HistoryHit } from './history-hit.js';

const SNIPPET_MAX = 240;

/** A secret at offsets of a text, under the rule that reports it (a detector's, or `k8s-secret-plaintext`). */
export type HitMatch = Pick<SecretMatch, 'start' | 'end' | 'secret'> & { readonly detector: { readonly id: string } };

/** A hit in one file version before it is known which commit introduced it. */
export interface HitDraft extends Omit<HistoryHit, 'order' | 'commit' | 'author' | 'date'> {
  /** the matched text: looked for in the file's previous version; never reported */
  readonly matched: string;
}

/** Position, redacted snippet, hash and preview of every match of one file version. */
export function draftHits(text: string, path: string, matches: readonly HitMatch[]): HitDraft[] {
  return matches.map((match) => {
    const start = position(text, match.start);
    const end = position(text, match.end);
    const lineText = redactSlice(text, start.lineStart, lineEnd(text, match.start), matches);
    return {
      ruleId: match.detector.id,
      hash: secretHash(match.secret),
      preview: secretPreview(match.secret),
      path,
      line: 1 + start.line,
      column: start.column,
      endLine: 1 + end.line,
      endColumn: end.column,
      snippet: lineText.length > SNIPPET_MAX ? `${lineText.slice(0, SNIPPET_MAX)}…` : lineText,
      matched: text.slice(match.start, match.end),
    };
  });
}

/** 0-based line within the text, 1-based column, and where that line starts. */
function position(text: string, offset: number): { line: number; column: number; lineStart: number } {
  let line = 0;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1, lineStart };
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end;
}
