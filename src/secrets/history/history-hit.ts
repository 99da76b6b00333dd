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

/** A blob a commit wrote that the repository does not hold (partial clone, damaged object store). */
export interface MissingBlob {
  readonly blob: string;
  readonly path: string;
  readonly commit: string;
}

export interface HistoryScanResult {
  readonly hits: HistoryHit[];
  readonly commits: number;
  readonly binary: number;
  readonly oversize: number;
  readonly missing: MissingBlob[];
  /** matches not listed: over the cap of one rule in one file version */
  readonly omitted: number;
  /** why git stopped listing commits before the end (a missing commit or tree): what it listed was scanned */
  readonly stopped?: string;
}
