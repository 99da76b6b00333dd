import { streamPatches } from '../../sources/git/history-log.js';
import type { CommitHeader } from '../../sources/git/patch-parser.js';
import { redactSlice, secretHash, secretPreview } from '../redact.js';
import { findSecrets } from '../scan-text.js';

/** A credential as it was introduced in history; holds no secret, only its hash and a prefix. */
export interface HistoryHit {
  readonly ruleId: string;
  readonly hash: string;
  readonly preview: string;
  /** position of the commit in the scanned order: lower is older */
  readonly order: number;
  readonly commit: string;
  readonly author: string;
  readonly date: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly snippet: string;
}

export interface PatchScanResult {
  readonly hits: HistoryHit[];
  readonly commits: number;
  readonly binary: number;
  readonly oversize: number;
}

export interface PatchScanRequest {
  readonly cwd: string;
  readonly args: readonly string[];
  /** commits for `git log --stdin`, one per line */
  readonly input: string;
  /** order of the first commit of this request */
  readonly firstOrder: number;
  readonly maxFileSize: number;
  /** header to use when the output has none (`git diff --cached`) */
  readonly pseudoCommit?: CommitHeader;
}

const SNIPPET_MAX = 240;

/** Scans every hunk git prints; keeps the first occurrence of each (rule, secret). */
export async function scanPatches(request: PatchScanRequest): Promise<PatchScanResult> {
  const hits = new Map<string, HistoryHit>();
  let commit: CommitHeader | undefined = request.pseudoCommit;
  let order = request.firstOrder - 1 + (request.pseudoCommit ? 1 : 0);
  let commits = request.pseudoCommit ? 1 : 0;
  let binary = 0;
  let oversize = 0;
  await streamPatches(request.cwd, request.args, request.input, {
    commit: (header) => {
      commit = header;
      order += 1;
      commits += 1;
    },
    binary: () => {
      binary += 1;
    },
    oversize: () => {
      oversize += 1;
    },
    hunk: (path, firstLine, text) => {
      if (!commit) return;
      const matches = findSecrets(text, path);
      for (const match of matches) {
        const hash = secretHash(match.secret);
        const key = `${match.detector.id}\0${hash}`;
        if (hits.has(key)) continue;
        const start = position(text, match.start);
        const end = position(text, match.end);
        const lineText = redactSlice(text, start.lineStart, lineEnd(text, match.start), matches);
        hits.set(key, {
          ruleId: match.detector.id,
          hash,
          preview: secretPreview(match.secret),
          order,
          commit: commit.sha,
          author: commit.author,
          date: commit.date,
          path,
          line: firstLine + start.line,
          column: start.column,
          endLine: firstLine + end.line,
          endColumn: end.column,
          snippet: lineText.length > SNIPPET_MAX ? `${lineText.slice(0, SNIPPET_MAX)}…` : lineText,
        });
      }
    },
  }, request.maxFileSize);
  return { hits: [...hits.values()], commits, binary, oversize };
}

/** 0-based line within the hunk text, 1-based column, and where that line starts. */
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
