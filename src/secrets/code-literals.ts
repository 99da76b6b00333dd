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

/** A `/` after one of these (or at the start) opens a regex literal, not a division. */
const REGEX_AFTER_CHAR = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'in', 'of', 'delete', 'void', 'throw', 'new', 'yield', 'await']);
const starts = new WeakMap<Syntax, RegExp>();

/** The characters that can open a comment, a string or a regex in this syntax: the lexer jumps between them. */
function startsOf(syntax: Syntax): RegExp {
  let pattern = starts.get(syntax);
  if (!pattern) {
    const chars = new Set(['"', "'", ...syntax.multilineQuotes, ...syntax.lineComments.map((marker) => marker[0]!)]);
    if (syntax.blockComments || syntax.regexLiterals) chars.add('/');
    pattern = new RegExp(`[${[...chars].map((char) => `\\${char}`).join('')}]`, 'g');
    starts.set(syntax, pattern);
  }
  return pattern;
}

function lex(text: string, syntax: Syntax): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const next = startsOf(syntax);
  const length = text.length;
  let index = 0;
  while (index < length) {
    next.lastIndex = index;
    const found = next.exec(text);
    if (!found) break;
    index = found.index;
    const char = text[index]!;
    const lineComment = syntax.lineComments.find((marker) => text.startsWith(marker, index));
    if (lineComment) {
      const end = lineEnd(text, index);
      ranges.push([index + lineComment.length, end]);
      index = end;
    } else if (syntax.blockComments && text.startsWith('/*', index)) {
      const close = text.indexOf('*/', index + 2);
      ranges.push([index + 2, close === -1 ? length : close]);
      index = close === -1 ? length : close + 2;
    } else if (syntax.tripleQuotes && (text.startsWith('"""', index) || text.startsWith("'''", index))) {
      const close = text.indexOf(text.slice(index, index + 3), index + 3);
      ranges.push([index + 3, close === -1 ? length : close]);
      index = close === -1 ? length : close + 3;
    } else if (char === '"' || char === "'" || char === '`') {
      const end = stringEnd(text, index + 1, char, syntax.multilineQuotes.includes(char));
      ranges.push([index + 1, end]);
      index = end + 1;
    } else if (char === '/' && syntax.regexLiterals && regexMayStart(text, index)) {
      index = regexEnd(text, index + 1);
    } else {
      index += 1;
    }
  }
  return ranges;
}

/** Whether a `/` at `index` opens a regex literal: what precedes it is an operator, a keyword or nothing. */
function regexMayStart(text: string, index: number): boolean {
  let before = index - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before -= 1;
  if (before < 0) return true;
  const char = text[before]!;
  if (!/[A-Za-z0-9_$]/.test(char)) return REGEX_AFTER_CHAR.has(char);
  let start = before;
  while (start > 0 && /[A-Za-z0-9_$]/.test(text[start - 1]!)) start -= 1;
  return REGEX_AFTER_WORD.has(text.slice(start, before + 1));
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
