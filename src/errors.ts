import { terminalSafeLines } from './report/terminal-safe.js';
/** Machine-readable error codes; users see `message`, `--debug` adds the cause chain. */
export type ErrorCode =
  | 'usage'
  | 'config-invalid'
  | 'config-unreadable'
  | 'path-not-found'
  | 'git-failed'
  | 'not-a-git-repository'
  | 'io-failed'
  | 'internal';

export class RampartError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RampartError';
    this.code = code;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** One line for users; the cause chain and stack only with --debug. */
export function describeError(error: unknown, debug: boolean): string {
  // messages quote paths and text from the scanned repository: printed as they are, they could drive the terminal
  if (!debug) return terminalSafeLines(errorMessage(error));
  const lines: string[] = [];
  let current: unknown = error;
  while (current) {
    lines.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current) lines.push('caused by:');
  }
  return terminalSafeLines(lines.join('\n'));
}
