/**
 * Where a program's source holds text rather than code: string literals and comments. In source
 * code `password = admin_user['password']` assigns an expression, and only a value inside a string
 * literal (or written in a comment, or inside an embedded multi-line config string) is a value at
 * all. Lexing is approximate but language-aware: enough to tell literals from identifiers, calls,
 * member access and regex literals.
 */

interface Syntax {
  readonly lineComments: readonly string[];
  readonly blockComments: boolean;
  /** quotes whose strings may span lines (Go raw strings, JS templates) */
  readonly multilineQuotes: string;
  /** `"""` and `'''` strings */
  readonly tripleQuotes: boolean;
  /** `/…/` regex literals */
  readonly regexLiterals: boolean;
}

const C_LIKE: Syntax = { lineComments: ['//'], blockComments: true, multilineQuotes: '', tripleQuotes: true, regexLiterals: false };
const SCRIPT: Syntax = { ...C_LIKE, multilineQuotes: '`', regexLiterals: true };
const GO: Syntax = { ...C_LIKE, multilineQuotes: '`', tripleQuotes: false };
const HASH: Syntax = { lineComments: ['#'], blockComments: false, multilineQuotes: '', tripleQuotes: true, regexLiterals: false };

const SYNTAX_BY_EXTENSION: Record<string, Syntax> = {
  js: SCRIPT, mjs: SCRIPT, cjs: SCRIPT, jsx: SCRIPT, ts: SCRIPT, mts: SCRIPT, cts: SCRIPT, tsx: SCRIPT, vue: SCRIPT, svelte: SCRIPT,
  go: GO,
  java: C_LIKE, kt: C_LIKE, kts: C_LIKE, scala: C_LIKE, groovy: C_LIKE, gvy: C_LIKE, gradle: C_LIKE, cs: C_LIKE,
  swift: C_LIKE, rs: C_LIKE, c: C_LIKE, cc: C_LIKE, cpp: C_LIKE, h: C_LIKE, hpp: C_LIKE, dart: C_LIKE,
  php: { ...C_LIKE, lineComments: ['//', '#'] },
  py: HASH, pyw: HASH, rb: HASH, ex: HASH, exs: HASH,
};

/** The lexical syntax of a source-code file, or undefined for data, config, docs and shell. */
export function codeSyntaxOf(path: string): Syntax | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (/^Jenkinsfile(?:\.|$)/.test(name) || name.endsWith('.Jenkinsfile')) return C_LIKE;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? SYNTAX_BY_EXTENSION[name.slice(dot + 1).toLowerCase()] : undefined;
}

export function isSourceCode(path: string): boolean {
  return codeSyntaxOf(path) !== undefined;
}

/** Sorted, disjoint [start, end) ranges of string-literal contents and comments. */
export type TextRanges = ReadonlyArray<readonly [number, number]>;

let memo: { readonly text: string; readonly path: string; readonly ranges: TextRanges } | undefined;

/** Ranges of `text` that are text (strings, comments) in the language of `path`; undefined when it is not code. */
export function textRangesOf(text: string, path: string): TextRanges | undefined {
  const syntax = codeSyntaxOf(path);
  if (!syntax) return undefined;
  if (memo && memo.text === text && memo.path === path) return memo.ranges;
  const ranges = lex(text, syntax);
  memo = { text, path, ranges };
  return ranges;
}

/** Whether [start, end) lies inside one string literal or comment. */
export function insideText(ranges: TextRanges, start: number, end: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [from, to] = ranges[middle]!;
    if (start < from) high = middle - 1;
    else if (start >= to) low = middle + 1;
    else return end <= to;
  }
  return false;
}

const REGEX_BEFORE = /[(,=:[!&|?{};+\-*%<>~^]$|^$|\breturn$|\btypeof$/;

function lex(text: string, syntax: Syntax): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let index = 0;
  let lastSignificant = '';
  const length = text.length;
  while (index < length) {
    const char = text[index]!;
    const lineComment = syntax.lineComments.find((marker) => text.startsWith(marker, index));
    if (lineComment) {
      const end = lineEnd(text, index);
      ranges.push([index + lineComment.length, end]);
      index = end;
      continue;
    }
    if (syntax.blockComments && text.startsWith('/*', index)) {
      const close = text.indexOf('*/', index + 2);
      const end = close === -1 ? length : close;
      ranges.push([index + 2, end]);
      index = close === -1 ? length : close + 2;
      continue;
    }
    if (syntax.tripleQuotes && (text.startsWith('"""', index) || text.startsWith("'''", index))) {
      const quote = text.slice(index, index + 3);
      const close = text.indexOf(quote, index + 3);
      const end = close === -1 ? length : close;
      ranges.push([index + 3, end]);
      index = close === -1 ? length : close + 3;
      lastSignificant = quote[0]!;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') {
      const multiline = syntax.multilineQuotes.includes(char);
      const end = stringEnd(text, index + 1, char, multiline);
      ranges.push([index + 1, end]);
      index = end + 1;
      lastSignificant = char;
      continue;
    }
    if (syntax.regexLiterals && char === '/' && REGEX_BEFORE.test(lastSignificant)) {
      index = regexEnd(text, index + 1);
      lastSignificant = '/';
      continue;
    }
    if (!/\s/.test(char)) lastSignificant = /[A-Za-z0-9_$]/.test(char) ? wordBefore(text, index) : char;
    index += 1;
  }
  return ranges;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}

/** Offset of the closing quote (or of the line end for an unterminated one-line string). */
function stringEnd(text: string, from: number, quote: string, multiline: boolean): number {
  const rawGo = quote === '`';
  for (let index = from; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '\\' && !rawGo) index += 1;
    else if (char === quote) return index;
    else if (char === '\n' && !multiline) return index;
  }
  return text.length;
}

function regexEnd(text: string, from: number): number {
  let inClass = false;
  for (let index = from; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '\\') index += 1;
    else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) return index + 1;
    else if (char === '\n') return index;
  }
  return text.length;
}

/** The identifier ending at `index` (keywords such as `return` may precede a regex literal). */
function wordBefore(text: string, index: number): string {
  let start = index;
  while (start > 0 && /[A-Za-z0-9_$]/.test(text[start - 1]!)) start -= 1;
  let end = index;
  while (end + 1 < text.length && /[A-Za-z0-9_$]/.test(text[end + 1]!)) end += 1;
  return text.slice(start, end + 1);
}
