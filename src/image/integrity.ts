/** A blob whose bytes are not what the image says they are. */
export interface IntegrityProblem {
  readonly subject: 'manifest' | 'config' | 'layer' | 'layer-count';
  /** a digest or a file name */
  readonly where: string;
  readonly detail: string;
  readonly layer?: number;
  readonly platform?: string;
}
