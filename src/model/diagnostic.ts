/** Something the scan could not do fully; never a finding about the repository's security. */
export interface Diagnostic {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  /**
   * `skipped`: the file was passed over on purpose (binary, too large, a link leaving the tree);
   * `incomplete`: the file should have been checked and was not, so the run is incomplete.
   */
  readonly kind: 'skipped' | 'incomplete' | 'note';
}
