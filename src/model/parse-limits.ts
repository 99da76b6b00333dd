import { CST, Lexer } from 'yaml';

/**
 * Limits on what is parsed as YAML or JSON. Parsers and the code that walks their trees recurse
 * once per nesting level: 10,000 levels exhaust the stack (or abort V8 outright, when a regular
 * expression is first compiled that deep), and a document of hundreds of megabytes exhausts the
 * heap. Over a limit, the file is not parsed: its text is still searched for secrets.
 */
export const MAX_NESTING = 256;
export const MAX_PARSE_BYTES = 16 * 1024 * 1024;

/** Why `text` is not parsed, or undefined when it may be: the message of a diagnostic. */
export function parseRefusal(text: string): string | undefined {
  // a UTF-16 length: at most twice the bytes of a file read as UTF-8
  if (text.length > MAX_PARSE_BYTES) return `skipped: too large to parse (over ${MAX_PARSE_BYTES / 1024 / 1024} MB); its text is still searched for secrets`;
  if (nestingDepth(text, MAX_NESTING) > MAX_NESTING) return `skipped: nested deeper than ${MAX_NESTING} levels; not parsed, its text is still searched for secrets`;
  return undefined;
}

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
  let openers = 0;
  let indent = 0;
  let indicators = 0;
  let lineStart = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x5b || code === 0x7b) openers += 1;
    else if (code === NEWLINE) lineStart = index + 1;
    else if (index === lineStart) {
      if (code === DASH && isDocumentStart(text, index)) {
        deepest = Math.max(deepest, openers + 2 * (indent + 1) + indicators);
        openers = 0;
        indent = 0;
        indicators = 0;
        // what follows the marker on its line is read as a line of the new document (`--- - - x`)
        index += 2;
        lineStart = index + 1;
        continue;
      }
      let spaces = 0;
      while (text.charCodeAt(index + spaces) === SPACE) spaces += 1;
      let marks = 0;
      let at = index + spaces;
      for (let mark = text.charCodeAt(at); (mark === DASH || mark === QUESTION) && text.charCodeAt(at + 1) === SPACE; mark = text.charCodeAt(at)) {
        marks += 1;
        at += 2;
        while (text.charCodeAt(at) === SPACE) at += 1;
      }
      indent = Math.max(indent, spaces);
      indicators = Math.max(indicators, marks);
    }
  }
  return Math.max(deepest, openers + 2 * (indent + 1) + indicators);
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
  const indents: number[] = [];
  let flow = 0;
  let deepest = 0;
  let lineStart = true;
  let indent = 0;
  let lineLevels = 0;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    if (scalarNext) {
      // a scalar's source, whatever its first character: block scalar bodies hold whole lines
      scalarNext = false;
      if (token.endsWith('\n')) lineStart = true;
      continue;
    }
    const type = CST.tokenType(token);
    if (type === 'scalar') {
      scalarNext = true;
      if (lineStart) startLine();
      continue;
    }
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (type === 'space' && lineStart) {
      indent = token.length;
      continue;
    }
    if (type === 'space' || type === 'comment') continue;
    if (type === 'doc-start' || type === 'doc-mode') {
      indents.length = 0;
      flow = 0;
      continue;
    }
    if (lineStart) startLine();
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow += 1;
    else if ((type === 'flow-map-end' || type === 'flow-seq-end') && flow > 0) flow -= 1;
    else if ((type === 'seq-item-ind' || type === 'explicit-key-ind') && flow === 0) lineLevels += 1;
    deepest = Math.max(deepest, 2 * indents.length + lineLevels + flow);
    if (deepest > limit) return deepest;
  }
  return deepest;

  function startLine(): void {
    lineStart = false;
    lineLevels = 0;
    if (flow > 0) return;
    while (indents.length > 0 && indents[indents.length - 1]! > indent) indents.pop();
    if (indents.length === 0 || indents[indents.length - 1]! < indent) indents.push(indent);
  }
}
