import { streamPatches } from '../../sources/git/history-log.js';
import type { CommitHeader } from '../../sources/git/patch-parser.js';
import { findSecrets } from '../scan-text.js';
import { recordHits } from './record-hits.js';

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
      if (commit) recordHits(hits, text, { commit, order, path, firstLine }, findSecrets(text, path));
    },
  }, request.maxFileSize);
  return { hits: [...hits.values()], commits, binary, oversize };
}
