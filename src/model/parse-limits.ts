import { CST } from 'yaml';
import { Lexer } from '../vendor/yaml-push/lexer.js';

/**
 * Limits on what is parsed as YAML or JSON. Parsers and the code that walks their trees recurse
 * once per nesting level: 10,000 levels exhaust the stack (or abort V8 outright, when a regular
 * expression is first compiled that deep), and a document of hundreds of megabytes exhausts the
 * heap. Over a limit, the file is not parsed: its text is still searched for secrets.
 */
export const MAX_NESTING = 256;
export const MAX_PARSE_BYTES = 16 * 1024 * 1024;
/**
 * The yaml library spends about 1 KB and 10 µs on each document of a stream, more as the heap fills:
 * 2.5 million empty documents (`---` lines, 10 MB) took 99 s and 3 GB. Generated bundles of every
 * CRD of an operator hold a few hundred.
 */
export const MAX_DOCUMENTS = 50_000;

/** Why `text` is not parsed, or undefined when it may be: the message of a diagnostic. */
export function parseRefusal(text: string): string | undefined {
  return sizeRefusal(text) ?? (nestingDepth(text, MAX_NESTING) > MAX_NESTING ? NESTING_REFUSAL : undefined);
}

/** Why `text` is too large to parse (in bytes, or in documents), or undefined. */
export function sizeRefusal(text: string): string | undefined {
  // a UTF-16 length: at most twice the bytes of a file read as UTF-8
  if (text.length > MAX_PARSE_BYTES) return `skipped: too large to parse (over ${MAX_PARSE_BYTES / 1024 / 1024} MB); its text is still searched for secrets`;
  if (documentMarkers(text, MAX_DOCUMENTS) >= MAX_DOCUMENTS) return `skipped: more than ${MAX_DOCUMENTS.toLocaleString('en')} YAML documents; not parsed, its text is still searched for secrets`;
  return undefined;
}

/** Lines that start or end a document (`---`, `...`), counted up to `limit`: one document more than these at most. */
function documentMarkers(text: string, limit: number): number {
  // found with indexOf (three dashes or dots are rare elsewhere), not character by character
  let count = 0;
  for (const marker of ['---', '...']) {
    for (let index = text.indexOf(marker); index !== -1 && count < limit; index = text.indexOf(marker, index + 1)) {
      if (atLineStart(text, index) && endsMarker(text.charCodeAt(index + 3))) count += 1;
    }
  }
  return count;
}

/** Whether `index` starts a line: a lone carriage return ends a line too (the parse turns it into a line feed). */
function atLineStart(text: string, index: number): boolean {
  const previous = text.charCodeAt(index - 1);
  return index === 0 || previous === NEWLINE || previous === 0x0d;
}

function endsMarker(code: number): boolean {
  return Number.isNaN(code) || code === SPACE || code === NEWLINE || code === 0x0d || code === 0x09;
}

export const NESTING_REFUSAL = `skipped: nested deeper than ${MAX_NESTING} levels; not parsed, its text is still searched for secrets`;

const SPACE = 0x20;
const NEWLINE = 0x0a;
const DASH = 0x2d;
const QUESTION = 0x3f;

/**
 * An upper bound of the nesting depth of a YAML (or JSON) text, or a number over `limit` as soon
 * as one is found. A character count first, enough for nearly every file: every flow collection
 * opens with `[` or `{`, and block levels need deeper indentation or a `- `/`? ` on the line
 * (counted per document, see `roughBound`).
 * Only when that bound is over the limit is the text read token by token (see `tokenDepth`).
 */
export function nestingDepth(text: string, limit = Infinity): number {
  const rough = roughBound(text);
  return rough <= limit ? rough : tokenDepth(text, limit);
}

/**
 * Per document of the stream, the most of: openers, plus twice the deepest indentation (and its own
 * level), plus the most leading indicators on a line. A line starting with a document marker (`---`
 * and a space, tab or line end) ends any flow collection, quoted, block or plain scalar for YAML's
 * lexer (tokenDepth starts again there too), so each document's nesting is bounded by its own text:
 * a stream of many small documents is not taken for one deep one.
 */
export function roughBound(text: string): number {
  let deepest = 0;
  let indent = 0;
  let indicators = 0;
  const counter = new OpenerCounter(text);
  let documentStart = 0;
  // line by line: only the start of a line is read here, the openers are found with indexOf
  for (let lineStart = 0; lineStart < text.length;) {
    let at = lineStart;
    if (text.charCodeAt(at) === DASH && isDocumentStart(text, at)) {
      deepest = Math.max(deepest, counter.count(documentStart, at) + 2 * (indent + 1) + indicators);
      indent = 0;
      indicators = 0;
      // what follows the marker on its line is read as a line of the new document (`--- - - x`)
      at += 3;
      documentStart = at;
    }
    let spaces = 0;
    while (text.charCodeAt(at + spaces) === SPACE) spaces += 1;
    let marks = 0;
    let mark = at + spaces;
    for (let code = text.charCodeAt(mark); (code === DASH || code === QUESTION) && text.charCodeAt(mark + 1) === SPACE; code = text.charCodeAt(mark)) {
      marks += 1;
      mark += 2;
      while (text.charCodeAt(mark) === SPACE) mark += 1;
    }
    indent = Math.max(indent, spaces);
    indicators = Math.max(indicators, marks);
    const lineEnd = text.indexOf('\n', at);
    lineStart = lineEnd === -1 ? text.length : lineEnd + 1;
  }
  return Math.max(deepest, counter.count(documentStart, text.length) + 2 * (indent + 1) + indicators);
}

/** `[` and `{` in ranges of a text taken in order, each found once with indexOf. */
class OpenerCounter {
  private square: number;
  private curly: number;

  constructor(private readonly text: string) {
    this.square = text.indexOf('[');
    this.curly = text.indexOf('{');
  }

  /** The openers in [from, to); ranges must come in order. */
  count(from: number, to: number): number {
    let found = 0;
    while (this.square !== -1 && this.square < from) this.square = this.text.indexOf('[', this.square + 1);
    while (this.square !== -1 && this.square < to) {
      found += 1;
      this.square = this.text.indexOf('[', this.square + 1);
    }
    while (this.curly !== -1 && this.curly < from) this.curly = this.text.indexOf('{', this.curly + 1);
    while (this.curly !== -1 && this.curly < to) {
      found += 1;
      this.curly = this.text.indexOf('{', this.curly + 1);
    }
    return found;
  }
}

/** `---` at `index` (a line start) followed by a space, tab, line end or the end of the text: what YAML's lexer takes for a document start. */
function isDocumentStart(text: string, index: number): boolean {
  if (text.charCodeAt(index + 1) !== DASH || text.charCodeAt(index + 2) !== DASH) return false;
  const next = text.charCodeAt(index + 3);
  return Number.isNaN(next) || next === SPACE || next === NEWLINE || next === 0x0d || next === 0x09;
}

/**
 * The depth as YAML's own lexer sees the text (quoted scalars, block scalars and comments as the
 * parser will read them): open flow collections, plus twice the block indentation levels (a block
 * sequence may sit at its parent key's indentation), plus the `- ` and `? ` indicators of the line.
 */
export function tokenDepth(text: string, limit = Infinity): number {
  const counter = new NestingCounter();
  for (const lexemes of lexemeBatches(new Lexer(), text)) {
    for (const lexeme of lexemes) if (counter.take(lexeme) > limit) return counter.deepest;
  }
  return counter.deepest;
}

/** Lexemes lexed at a time by `lexemeBatches`. */
const LEXEME_BATCH = 4096;

/**
 * The lexemes of `text`, a batch at a time, so that a reader that stops at too deep a nesting has
 * not lexed all of a hostile text first (15 MB of `[` took 2.3 s and 500 MB lexed at once).
 */
export function* lexemeBatches(lexer: Lexer, text: string, batch = LEXEME_BATCH): Generator<string[]> {
  yield lexer.lex(text, false, batch);
  while (lexer.paused) yield lexer.lex('', false, batch);
}

/** `tokenDepth` token by token, for a parse that reads the lexer's tokens itself (the text is then lexed once). */
export class NestingCounter {
  /** the deepest nesting of the tokens taken so far */
  deepest = 0;
  private readonly indents: number[] = [];
  private flow = 0;
  private lineStart = true;
  private indent = 0;
  private lineLevels = 0;
  private scalarNext = false;

  /** Takes the next token of the lexer; returns the deepest nesting so far. */
  take(token: string): number {
    if (this.scalarNext) {
      // a scalar's source, whatever its first character: block scalar bodies hold whole lines
      this.scalarNext = false;
      if (token.endsWith('\n')) this.lineStart = true;
      return this.deepest;
    }
    const type = CST.tokenType(token);
    if (type === 'scalar') {
      this.scalarNext = true;
      if (this.lineStart) this.startLine();
      return this.deepest;
    }
    if (type === 'newline') {
      this.lineStart = true;
      this.indent = 0;
      return this.deepest;
    }
    if (type === 'space' && this.lineStart) {
      this.indent = token.length;
      return this.deepest;
    }
    if (type === 'space' || type === 'comment') return this.deepest;
    if (type === 'doc-start' || type === 'doc-mode') {
      this.indents.length = 0;
      this.flow = 0;
      return this.deepest;
    }
    if (this.lineStart) this.startLine();
    if (type === 'flow-map-start' || type === 'flow-seq-start') this.flow += 1;
    else if ((type === 'flow-map-end' || type === 'flow-seq-end') && this.flow > 0) this.flow -= 1;
    else if ((type === 'seq-item-ind' || type === 'explicit-key-ind') && this.flow === 0) this.lineLevels += 1;
    this.deepest = Math.max(this.deepest, 2 * this.indents.length + this.lineLevels + this.flow);
    return this.deepest;
  }

  private startLine(): void {
    this.lineStart = false;
    this.lineLevels = 0;
    if (this.flow > 0) return;
    const indents = this.indents;
    while (indents.length > 0 && indents[indents.length - 1]! > this.indent) indents.pop();
    if (indents.length === 0 || indents[indents.length - 1]! < this.indent) indents.push(this.indent);
  }
}
