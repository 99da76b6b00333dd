/**
 * GitHub Actions expressions (`${{ … }}`), read far enough to say which contexts an expression
 * reads and whether a context's text can reach the expression's value
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/expressions).
 */

export interface Expression {
  /** offset of `${{` in the text searched */
  readonly start: number;
  /** offset just past `}}` */
  readonly end: number;
  /** the text between the delimiters */
  readonly body: string;
  /** offset of the body's first character in the text searched */
  readonly bodyStart: number;
}

export interface ContextReference {
  /** lower-cased, `[*]` and `['key']`/`[0]` written as `.*`, `.key` and `.*` */
  readonly path: string;
  /** offsets inside the expression body */
  readonly start: number;
  readonly end: number;
  /**
   * false when the context only decides a boolean or picks a branch: an operand of a comparison or
   * of `!`, an argument of `contains`/`startsWith`/`endsWith`, or the left side of `&&`
   */
  readonly reachesValue: boolean;
}

/** Every `${{ … }}` in `text`; single-quoted strings inside may contain `}}`. */
export function findExpressions(text: string): Expression[] {
  const found: Expression[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('${{', from);
    if (start === -1) return found;
    let index = start + 3;
    let inString = false;
    let end = -1;
    while (index < text.length) {
      const char = text[index];
      if (inString) {
        if (char === "'") {
          if (text[index + 1] === "'") index += 1;
          else inString = false;
        }
      } else if (char === "'") {
        inString = true;
      } else if (char === '}' && text[index + 1] === '}') {
        end = index + 2;
        break;
      }
      index += 1;
    }
    if (end === -1) return found;
    found.push({ start, end, body: text.slice(start + 3, end - 2), bodyStart: start + 3 });
    from = end;
  }
}

type Token =
  | { readonly kind: 'path'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'operator' | 'open' | 'close' | 'comma' | 'literal'; readonly text: string; readonly start: number; readonly end: number };

// A context path: an identifier, then `.name`, `.*`, `[*]`, `['key']` or `[0]` parts.
const IDENTIFIER = /[A-Za-z_][\w-]*/y;
const PATH_PART = /\s*(?:\.\s*(?:[A-Za-z_][\w-]*|\*)|\[\s*(?:\*|'(?:[^']|'')*'|\d+)\s*\])/y;
const OPERATOR = /==|!=|<=|>=|&&|\|\||[<>!]/y;
const NUMBER = /-?(?:0x[\da-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)/iy;

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const at = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = index;
    return pattern.exec(body)?.[0];
  };
  while (index < body.length) {
    const char = body[index] ?? '';
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    if (char === "'") {
      let end = index + 1;
      while (end < body.length && !(body[end] === "'" && body[end + 1] !== "'")) end += body[end] === "'" ? 2 : 1;
      tokens.push({ kind: 'literal', text: body.slice(index, end + 1), start: index, end: end + 1 });
      index = end + 1;
      continue;
    }
    const single = char === '(' ? 'open' : char === ')' ? 'close' : char === ',' ? 'comma' : undefined;
    if (single) {
      tokens.push({ kind: single, text: char, start: index, end: index + 1 });
      index += 1;
      continue;
    }
    const operator = at(OPERATOR);
    if (operator) {
      tokens.push({ kind: 'operator', text: operator, start: index, end: index + operator.length });
      index += operator.length;
      continue;
    }
    const number = /[\d-]/.test(char) ? at(NUMBER) : undefined;
    if (number) {
      tokens.push({ kind: 'literal', text: number, start: index, end: index + number.length });
      index += number.length;
      continue;
    }
    const identifier = at(IDENTIFIER);
    if (!identifier) {
      index += 1;
      continue;
    }
    let end = index + identifier.length;
    for (;;) {
      PATH_PART.lastIndex = end;
      const part = PATH_PART.exec(body);
      if (!part) break;
      end += part[0].length;
    }
    tokens.push({ kind: 'path', text: body.slice(index, end), start: index, end });
    index = end;
  }
  return tokens;
}

function normalisePath(text: string): string {
  return text
    .replace(/\s+/g, '')
    .replace(/\[\*\]|\[\d+\]/g, '.*')
    .replace(/\['((?:[^']|'')*)'\]/g, (_whole, key: string) => `.${key.replace(/''/g, "'")}`)
    .toLowerCase();
}

const BOOLEAN_FUNCTIONS = new Set(['contains', 'startswith', 'endswith', 'always', 'success', 'failure', 'cancelled', 'hashfiles']);
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** The contexts an expression body reads (function names and literals excepted), with whether each can reach its value. */
export function contextReferences(body: string): ContextReference[] {
  const tokens = tokenize(body);
  const references: ContextReference[] = [];
  // the function calls enclosing each token: a name per open parenthesis ('' for grouping)
  const calls: string[] = [];
  tokens.forEach((token, index) => {
    const previous = tokens[index - 1];
    const next = tokens[index + 1];
    if (token.kind === 'open') {
      calls.push(previous?.kind === 'path' ? previous.text.toLowerCase() : '');
      return;
    }
    if (token.kind === 'close') {
      calls.pop();
      return;
    }
    if (token.kind !== 'path' || next?.kind === 'open') return;
    const path = normalisePath(token.text);
    if (path === 'true' || path === 'false' || path === 'null') return;
    const decidesOnly = calls.some((name) => BOOLEAN_FUNCTIONS.has(name))
      || (previous?.kind === 'operator' && (COMPARISONS.has(previous.text) || previous.text === '!'))
      || (next?.kind === 'operator' && (COMPARISONS.has(next.text) || next.text === '&&'));
    references.push({ path, start: token.start, end: token.end, reachesValue: !decidesOnly });
  });
  return references;
}
