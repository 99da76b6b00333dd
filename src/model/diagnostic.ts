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

/**
 * What an incomplete run left unchecked, counted in words that fit every cause: files, but also
 * history, signatures, registries and rules (`3 places could not be checked`).
 */
export function uncheckedSummary(diagnostics: readonly Diagnostic[]): string {
  const unchecked = diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete');
  const whole = unchecked.filter((diagnostic) => diagnostic.path === '.').length;
  const files = new Set(unchecked.filter((diagnostic) => diagnostic.path !== '.').map((diagnostic) => diagnostic.path)).size;
  const parts = [
    ...(files > 0 ? [`${files} ${files === 1 ? 'file' : 'files'}`] : []),
    ...(whole > 0 ? [`${whole} repository-wide ${whole === 1 ? 'check' : 'checks'}`] : []),
  ];
  return `${parts.join(' and ') || 'nothing'} could not be checked`;
}
