import type { Layer, Severity } from './severity.js';
import type { Span } from './span.js';

/** A replacement of [range.start, range.end) in a file's text; the unit of every fix. */
export interface TextEdit {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Location {
  /** POSIX path relative to the scan root */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface Finding {
  readonly ruleId: string;
  readonly layer: Layer;
  readonly severity: Severity;
  readonly message: string;
  readonly remediation: string;
  readonly docs: string;
  readonly location: Location;
  /** the offending source line, for people; never holds a full secret */
  readonly snippet: string;
  /** stable across moved lines: rule, path and the subject (an image, a key, a secret's hash) */
  readonly fingerprint: string;
  readonly fix?: { readonly description: string; readonly edits: readonly TextEdit[] };
  /** rule-specific facts: image, commit, author… */
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  /** byte span, for fixes and reporters that need it */
  readonly span: Span;
}

/** A finding about a forge setting is located at the setting's web page, not at a line of a file. */
export function isSettingPage(path: string): boolean {
  return /^https?:\/\//.test(path);
}
