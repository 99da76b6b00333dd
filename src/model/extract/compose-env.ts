import type { SourceFile } from '../source-file.js';
import type { Span } from '../span.js';

/** A variable of a Compose project's `.env` file: its value, and where that value is written. */
export interface EnvValue {
  readonly value: string;
  readonly span: Span;
}

/** `KEY=`, `export KEY=` at the start of a line */
const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/;

/**
 * The variables a `.env` file sets, as Docker Compose reads it for interpolation: `KEY=value`,
 * `export KEY=value`, `KEY="value"`, `KEY='value'`; a `#` after a blank starts a comment of an
 * unquoted value. Read line by line, with no pattern that backtracks over a long line.
 */
export function parseDotEnv(file: SourceFile): Map<string, EnvValue> {
  const variables = new Map<string, EnvValue>();
  const { text } = file;
  for (let lineStart = 0; lineStart < text.length;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const assignment = ASSIGNMENT.exec(line);
    if (assignment) {
      const found = valueOf(line, assignment[0].length);
      if (found) variables.set(assignment[1]!, { value: found.value, span: file.span(lineStart + found.start, lineStart + found.end) });
    }
    lineStart = lineEnd + 1;
  }
  return variables;
}

/** The value of a line from `from`: its text, and where its raw characters start and end in the line. */
function valueOf(line: string, from: number): { value: string; start: number; end: number } | undefined {
  const quote = line[from];
  if (quote === '"' || quote === "'") {
    let end = from + 1;
    while (end < line.length && line[end] !== quote) end += quote === '"' && line[end] === '\\' ? 2 : 1;
    if (end >= line.length) return undefined;
    const raw = line.slice(from + 1, end);
    return { value: quote === '"' ? raw.replace(/\\(["\\$])/g, '$1').replace(/\\n/g, '\n') : raw, start: from + 1, end };
  }
  // `KEY= # note`: the blanks before the `#` were read with the `=`
  if (line[from] === '#' && /[ \t]/.test(line[from - 1] ?? '')) return { value: '', start: from, end: from };
  const comment = /[ \t]#/.exec(line.slice(from));
  const raw = (comment ? line.slice(from, from + comment.index) : line.slice(from)).trimEnd();
  return { value: raw, start: from, end: from + raw.length };
}

/** How an interpolated text came about. */
export interface Interpolated {
  readonly text: string;
  /** the text was one variable, read whole from `.env`: the value can be fixed there */
  readonly wholeFrom?: { readonly name: string; readonly value: EnvValue };
  /** the variables read, for people */
  readonly names: readonly string[];
}

/** `$$`, `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`, `${NAME?error}`, `${NAME:+alt}`, `${NAME+alt}` */
const REFERENCE = /\$\$|\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^{}$]*))?\}/g;

/**
 * Docker Compose's interpolation of a value with the variables of its `.env` file; undefined when
 * a variable it needs is set nowhere and has no default (the shell running Compose decides it), or
 * when the text uses syntax beyond this (nested references).
 */
export function interpolate(text: string, env: ReadonlyMap<string, EnvValue>): Interpolated | undefined {
  const names: string[] = [];
  let unresolved = false;
  const result = text.replace(REFERENCE, (whole, bareName: string | undefined, name: string | undefined, operator: string | undefined, argument: string | undefined) => {
    if (whole === '$$') return '$';
    const variable = (bareName ?? name)!;
    names.push(variable);
    const set = env.get(variable);
    const empty = set === undefined || set.value === '';
    switch (operator) {
      case undefined:
        if (set === undefined) unresolved = true;
        return set?.value ?? '';
      case ':-': return empty ? argument ?? '' : set!.value;
      case '-': return set === undefined ? argument ?? '' : set.value;
      case ':?':
        if (empty) unresolved = true;
        return set?.value ?? '';
      case '?':
        if (set === undefined) unresolved = true;
        return set?.value ?? '';
      case ':+': return empty ? '' : argument ?? '';
      case '+': return set === undefined ? '' : argument ?? '';
      default:
        unresolved = true;
        return '';
    }
  });
  // a `$` outside every reference read is syntax not read here (`${A:-${B}}`)
  if (unresolved || text.replace(REFERENCE, '').includes('$')) return undefined;
  const single = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/.exec(text.trim());
  const singleName = single?.[1] ?? single?.[2];
  const value = singleName === undefined ? undefined : env.get(singleName);
  return { text: result, names, ...(singleName !== undefined && value !== undefined ? { wholeFrom: { name: singleName, value } } : {}) };
}
