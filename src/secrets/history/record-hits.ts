import type { CommitHeader } from '../../sources/git/patch-parser.js';
import { redactSlice, secretHash, secretPreview } from '../redact.js';
import type { SecretMatch } from '../scan-text.js';
import type { HistoryHit } from './scan-patches.js';

const SNIPPET_MAX = 240;

/** Where a scanned text sits in history: its commit, path and the 1-based line of its first line. */
export interface TextOrigin {
  readonly commit: CommitHeader;
  readonly order: number;
  readonly path: string;
  readonly firstLine: number;
}


/** Adds every match not seen before to `hits`, with its position in the text and a redacted snippet. */
export function recordHits(hits: Map<string, HistoryHit>, text: string, origin: TextOrigin, matches: readonly SecretMatch[], accept: (match: SecretMatch) => boolean = () => true): void {
  for (const match of matches) {
    const hash = secretHash(match.secret);
    const key = `${match.detector.id}\0${hash}`;
    if (hits.has(key) || !accept(match)) continue;
    const start = position(text, match.start);
    const end = position(text, match.end);
    const lineText = redactSlice(text, start.lineStart, lineEnd(text, match.start), matches);
    hits.set(key, {
      ruleId: match.detector.id,
      hash,
      preview: secretPreview(match.secret),
      order: origin.order,
      commit: origin.commit.sha,
      author: origin.commit.author,
      date: origin.commit.date,
      path: origin.path,
      line: origin.firstLine + start.line,
      column: start.column,
      endLine: origin.firstLine + end.line,
      endColumn: end.column,
      snippet: lineText.length > SNIPPET_MAX ? `${lineText.slice(0, SNIPPET_MAX)}…` : lineText,
    });
  }
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
