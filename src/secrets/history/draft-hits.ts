import { LineIndex } from '../../model/span.js';
import { capPerRule, DEFAULT_MAX_FINDINGS_PER_FILE } from '../finding-cap.js';
import { Redactions, secretHash, secretPreview } from '../redact.js';
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

/**
 * Position, redacted snippet, hash and preview of the first `cap` matches of each rule in one file
 * version (every match is redacted from the snippets); `omitted` counts the rest.
 */
export function draftHits(text: string, path: string, matches: readonly HitMatch[], cap = DEFAULT_MAX_FINDINGS_PER_FILE): { drafts: HitDraft[]; omitted: number } {
  const lines = new LineIndex(text);
  const redactions = new Redactions(matches);
  const { kept, omitted } = capPerRule(matches, cap);
  const drafts = kept.map((match) => {
    const start = lines.position(match.start);
    const end = lines.position(match.end);
    const lineStart = match.start - start.column + 1;
    const snippet = redactions.snippet(text, lineStart, lineEnd(text, match.start), SNIPPET_MAX);
    return {
      ruleId: match.detector.id,
      hash: secretHash(match.secret),
      preview: secretPreview(match.secret),
      path,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      snippet,
      matched: text.slice(match.start, match.end),
    };
  });
  return { drafts, omitted: [...omitted.values()].reduce((total, count) => total + count, 0) };
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end;
}
