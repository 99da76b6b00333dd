import { Composer, type CST, type Document } from 'yaml';
import { Lexer } from '../vendor/yaml-push/lexer.js';
import { Parser } from '../vendor/yaml-push/parser.js';
import { lexemeBatches, NestingCounter } from './parse-limits.js';

type Token = CST.Token;

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/;

/**
 * go-yaml and libyaml (what Kubernetes, Argo CD and Flux parse with) accept a quoted scalar whose
 * continuation lines start left of the line that opened it:
 *
 *     - "exec kafka-server-start.sh \
 *   --override broker.id=1"
 *
 *     rule: 'self.protocol == ''GRPC'' ? has(self.grpc)
 *   : true'
 *
 * The `yaml` package follows the YAML 1.2 spec, which requires them indented, and its lexer cuts the
 * scalar at the first such line ("Missing closing quote", then errors for the rest of the document).
 * Gateway API CRDs hold hundreds of these. This lexer continues a quoted scalar at any
 * indent, as go-yaml does: leading spaces of continuation lines are folded away, so the value is the
 * same, the text is not changed and every position stays the file's own. A line starting with a
 * document marker (--- or ...) still ends it, as in go-yaml: the quote is then really unclosed.
 */
class GoYamlLexer extends Lexer {
  protected override continueQuotedScalar(offset: number): number {
    return DOCUMENT_MARKER.test(this.buffer.slice(offset, offset + 4)) ? -1 : offset;
  }
}

export function parseAllDocumentsLikeGoYaml(text: string, offset = 0): Document.Parsed[] {
  return [...composeInBatches(goYamlParser(offset), text)];
}

/**
 * The same, or undefined when the lexer's tokens nest deeper than `limit` (`NestingCounter`): the
 * tokens are counted as the parser reads them, so the text is lexed once, and no document is
 * composed (which recurses once per level) before all of its tokens were counted.
 */
export function parseAllDocumentsWithinNesting(text: string, limit: number): Document.Parsed[] | undefined {
  const counter = new NestingCounter();
  let deeper = false;
  const documents = [...composeInBatches(goYamlParser(0), text, (lexeme) => {
    deeper = counter.take(lexeme) > limit;
    return !deeper;
  })];
  return deeper ? undefined : documents;
}

/**
 * The documents of `text`, lexed, parsed and composed a batch of lexemes at a time, so that memory
 * holds one batch's tokens and not the whole text's (a text that is not YAML, 2 MB of Go template
 * lines, makes a million top-level tokens, 680,000 of them errors), and a reader of the first
 * document stops the parse there. Ends as soon as `accept` refuses a lexeme.
 */
export function* composeInBatches(parser: Parser, text: string, accept: (lexeme: string) => boolean = () => true): Generator<Document.Parsed> {
  const composer = fewErrorsComposer();
  const keep = fewErrorTokens();
  function* compose(tokens: Token[]): Generator<Document.Parsed> {
    for (const token of tokens) if (keep(token)) yield* composer.next(token) as Generator<Document.Parsed>;
  }
  for (const lexemes of lexemeBatches(parser.lexer, text)) {
    for (const lexeme of lexemes) {
      if (!accept(lexeme)) return;
      parser.next(lexeme);
    }
    yield* compose(parser.take());
  }
  parser.end();
  yield* compose(parser.take());
  yield* composer.end() as Generator<Document.Parsed>;
}

/** Errors kept per document: a reader reports the first and drops the document; the rest only cost. */
const ERRORS_KEPT = 8;

/** Drops the parser's error tokens past the first few of a document: the Composer makes an Error of each. */
function fewErrorTokens(): (token: Token) => boolean {
  let errors = 0;
  return (token) => {
    if (token.type === 'document') errors = 0;
    else if (token.type === 'error' && ++errors > ERRORS_KEPT) return false;
    return true;
  };
}

/** The private parts of yaml's Composer this relies on (yaml 2.x). */
interface ErrorCollectingComposer {
  errors: unknown[];
  onError: (...args: unknown[]) => void;
}

/**
 * A Composer that keeps the first few errors of each document, not all (with `fewErrorTokens`). A
 * text that is not YAML (a Go template: `{{ if }}` lines) gives an error every few bytes, each an
 * Error with a captured stack: 2 MB of template lines made 680,000 of them, 7 s of CPU and 985 MB.
 */
function fewErrorsComposer(): Composer {
  const composer = new Composer({ uniqueKeys: false });
  const internals = composer as unknown as ErrorCollectingComposer;
  const onError = internals.onError;
  if (typeof onError !== 'function' || !Array.isArray(internals.errors)) return composer;
  internals.onError = (...args: unknown[]) => {
    if (internals.errors.length < ERRORS_KEPT) onError(...args);
  };
  return composer;
}

function goYamlParser(offset: number): Parser {
  const parser = new Parser(undefined, new GoYamlLexer());
  // positions count from `offset`: a document parsed again from its own text keeps those of its file
  parser.offset = offset;
  return parser;
}
