/**
 * Character-level pieces of HCL's native syntax (https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md)
 * that the Terraform reader needs: comments, identifiers, and where an expression ends.
 * Every function moves forward through the text and never revisits it, so reading is linear in the
 * input whatever it holds (a heredoc of any size, deep brackets, unterminated strings).
 */

export interface ScanProblem {
  readonly offset: number;
  readonly message: string;
}

const NEWLINE = 10;

export function isIdentifierStart(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  return /\p{ID_Start}/u.test(String.fromCodePoint(text.codePointAt(at) ?? 0));
}

function isIdentifierPart(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 45;
  return /\p{ID_Continue}/u.test(String.fromCodePoint(text.codePointAt(at) ?? 0));
}

/** End of the identifier starting at `at` (which must be an identifier start). */
export function identifierEnd(text: string, at: number): number {
  let position = at + 1;
  while (position < text.length && isIdentifierPart(text, position)) position += 1;
  return position;
}

/** Offset of the next line break at or after `at`, or the end of the text. */
export function lineEnd(text: string, at: number): number {
  const found = text.indexOf('\n', at);
  return found === -1 ? text.length : found;
}

/**
 * Skips blanks and comments from `at`; line breaks too when `newlines` is set. A `/* *\/` comment
 * may span lines either way. Returns the offset of the first other character.
 */
export function skipTrivia(text: string, at: number, newlines: boolean, problems: ScanProblem[]): number {
  let position = at;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === 32 || code === 9 || code === 13 || (newlines && code === NEWLINE)) {
      position += 1;
    } else if (code === 35 /* # */ || (code === 47 && text.charCodeAt(position + 1) === 47) /* // */) {
      position = lineEnd(text, position);
    } else if (code === 47 && text.charCodeAt(position + 1) === 42 /* slash star */) {
      const close = text.indexOf('*/', position + 2);
      if (close === -1) {
        problems.push({ offset: position, message: 'a /* comment is not closed' });
        return text.length;
      }
      position = close + 2;
    } else {
      break;
    }
  }
  return position;
}

/**
 * Where the quoted string opening at `at` ends (just past its closing quote), and whether it is a
 * plain literal: no `${…}` interpolation or `%{…}` directive. A string left open at the end of the
 * line ends there (HCL strings cannot span lines outside an interpolation).
 */
function quotedEnd(text: string, at: number, problems: ScanProblem[], depth: number): { end: number; plain: boolean } {
  if (depth > MAX_NESTING) {
    problems.push({ offset: at, message: `strings and interpolations nest more than ${MAX_NESTING} deep` });
    return { end: lineEnd(text, at), plain: false };
  }
  let position = at + 1;
  let plain = true;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === 34 /* " */) return { end: position + 1, plain };
    if (code === NEWLINE) break;
    if (code === 92 /* \ */) {
      position += 2;
    } else if ((code === 36 || code === 37) && text.charCodeAt(position + 1) === code && text.charCodeAt(position + 2) === 123) {
      position += 3; // $${ and %%{ are the literal text ${ and %{
    } else if ((code === 36 || code === 37) && text.charCodeAt(position + 1) === 123) {
      plain = false;
      position = expressionEnd(text, position + 2, problems, 125 /* } */, depth + 1).next;
    } else {
      position += 1;
    }
  }
  problems.push({ offset: at, message: 'a quoted string is not closed on its line' });
  return { end: position, plain: false };
}

/**
 * The heredoc introduced at `at` (`<<ID` or `<<-ID` followed by a line break): where it ends, just
 * past the closing marker, or undefined when `at` does not start one.
 */
function heredocEnd(text: string, at: number, problems: ScanProblem[]): number | undefined {
  let markerStart = at + 2;
  if (text.charCodeAt(markerStart) === 45 /* - */) markerStart += 1;
  if (!isIdentifierStart(text, markerStart)) return undefined;
  const markerEnd = identifierEnd(text, markerStart);
  const marker = text.slice(markerStart, markerEnd);
  let line = lineEnd(text, markerEnd);
  if (text.slice(markerEnd, line).trim() !== '') return undefined;
  while (line < text.length) {
    const start = line + 1;
    line = lineEnd(text, start);
    const content = text.slice(start, line).trim();
    if (content === marker) return text.indexOf(marker, start) + marker.length;
  }
  problems.push({ offset: at, message: `the heredoc <<${marker} has no closing ${marker} line` });
  return text.length;
}

/** Strings inside interpolations inside strings…: deeper than any real file, shallow enough for the call stack. */
const MAX_NESTING = 200;

const CLOSERS: Record<number, number> = { 40: 41, 91: 93, 123: 125 }; // ( ) [ ] { }

/**
 * Reads the expression starting at `at`. At the outermost level it ends at a line break, at a `}`
 * that closes the enclosing block, or at `stopAt` when given (the `}` closing an interpolation).
 * Returns `end`, just past its last significant character (comments and blanks excluded), and
 * `next`, where reading continues.
 */
export function expressionEnd(text: string, at: number, problems: ScanProblem[], stopAt?: number, depth = 0): { end: number; next: number } {
  const open: number[] = [];
  let position = at;
  let end = at;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (open.length === 0 && (code === NEWLINE || code === 125 || code === stopAt)) {
      if (code === stopAt) return { end: position + 1, next: position + 1 };
      break;
    }
    if (code === 32 || code === 9 || code === 13 || code === NEWLINE) {
      position += 1;
      continue;
    }
    if (code === 35 || code === 47) {
      const after = skipTrivia(text, position, false, problems);
      if (after !== position) {
        position = after;
        continue;
      }
    }
    if (code === 34) {
      position = quotedEnd(text, position, problems, depth + 1).end;
    } else if (code === 60 && text.charCodeAt(position + 1) === 60) {
      position = heredocEnd(text, position, problems) ?? position + 2;
    } else if (CLOSERS[code] !== undefined) {
      open.push(CLOSERS[code]!);
      position += 1;
    } else if (code === 41 || code === 93 || code === 125) {
      if (open[open.length - 1] !== code) problems.push({ offset: position, message: `unexpected ${text[position]}` });
      else open.pop();
      position += 1;
    } else {
      position += 1;
    }
    end = position;
  }
  if (stopAt !== undefined) problems.push({ offset: at, message: 'an interpolation is not closed' });
  else if (open.length > 0) problems.push({ offset: at, message: 'brackets are not closed' });
  return { end, next: position };
}

/** Where the quoted string opening at `at` ends, just past its closing quote (or at the end of its line). */
export function quotedStringEnd(text: string, at: number, problems: ScanProblem[]): number {
  return quotedEnd(text, at, problems, 0).end;
}

/** The content of `text[start, end)` when it is one plain quoted string, without quotes or escapes resolved. */
export function plainStringContent(text: string, start: number, end: number): { start: number; end: number } | undefined {
  if (text.charCodeAt(start) !== 34) return undefined;
  const problems: ScanProblem[] = [];
  const quoted = quotedEnd(text, start, problems, 0);
  if (!quoted.plain || quoted.end !== end || problems.length > 0) return undefined;
  return { start: start + 1, end: end - 1 };
}

/** Resolves HCL's string escapes (\n \r \t \" \\ \uNNNN \UNNNNNNNN, $${ and %%{). */
export function unescapeHcl(text: string): string {
  return text.replace(/\\(["\\nrt]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})|([$%])\2\{/g, (whole, escape: string | undefined, template: string | undefined) => {
    if (template) return `${template}{`;
    if (escape === 'n') return '\n';
    if (escape === 'r') return '\r';
    if (escape === 't') return '\t';
    if (escape && escape.length > 1) {
      const code = Number.parseInt(escape.slice(1), 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return escape ?? whole;
  });
}
