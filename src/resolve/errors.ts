/** Why a reference could not be resolved; `code` is stable, `message` is for people. */
export type ResolveErrorCode =
  | 'image-digest-mismatch'
  | 'not-found'
  | 'unauthorized'
  | 'timeout'
  | 'unreachable'
  | 'registry-error'
  /** a body past the limit for its kind (a manifest above 4 MiB) */
  | 'too-large'
  | 'invalid-reference'
  | 'git-failed';

export class ResolveError extends Error {
  readonly code: ResolveErrorCode;
  /** worth another attempt: a timeout or a dropped connection, not a TLS or DNS failure */
  readonly transient: boolean;

  constructor(code: ResolveErrorCode, message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(message, options);
    this.name = 'ResolveError';
    this.code = code;
    this.transient = options?.transient ?? false;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ResolveError && error.code === 'not-found';
}
