/**
 * A gitignore glob compiled to a small automaton and run over a path in one pass: O(path ×
 * pattern) whatever the pattern, where a backtracking matcher (or a regular expression) is
 * exponential in `**` (`**\/a/**\/a/**\/a/…/b` over a deep tree). Semantics as git's wildmatch with
 * WM_PATHNAME: `*`, `?` and `[…]` never match `/`; `**\/` matches zero or more whole directories;
 * a trailing `/**` matches everything inside; any other `**` is a `*`.
 */
type Token =
  | { readonly kind: 'char'; readonly code: number }
  | { readonly kind: 'one' }
  | { readonly kind: 'class'; readonly test: (code: number) => boolean }
  | { readonly kind: 'star' }
  /** `**\/`: zero or more characters ending in `/` (or nothing) */
  | { readonly kind: 'directories' }
  /** after a trailing `/**`: one or more characters of any kind */
  | { readonly kind: 'rest' };

const SLASH = 0x2f;

export class Glob {
  private readonly tokens: readonly Token[];
  /** literal text every match starts and ends with: most patterns are dismissed by these alone */
  private readonly prefix: string;
  readonly suffix: string;
  /** `*literal` (`*.log`): a suffix and no `/` before it */
  readonly starThenLiteral: boolean;
  private readonly states: [Uint8Array, Uint8Array];

  constructor(pattern: string) {
    this.tokens = tokenize(pattern);
    this.prefix = literalRun(this.tokens, 0, 1);
    this.suffix = literalRun(this.tokens, this.tokens.length - 1, -1);
    this.starThenLiteral = this.tokens[0]?.kind === 'star' && this.suffix.length === this.tokens.length - 1;
    this.states = [new Uint8Array(this.tokens.length + 1), new Uint8Array(this.tokens.length + 1)];
  }

  matches(path: string): boolean {
    if (!path.startsWith(this.prefix) || !path.endsWith(this.suffix)) return false;
    if (this.starThenLiteral) return path.lastIndexOf('/', path.length - this.suffix.length - 1) === -1;
    const tokens = this.tokens;
    const count = tokens.length;
    let [current, next] = this.states;
    current.fill(0);
    current[0] = 1;
    closure(tokens, current);
    for (let index = 0; index < path.length; index += 1) {
      const code = path.charCodeAt(index);
      next.fill(0);
      let alive = false;
      for (let state = 0; state < count; state += 1) {
        if (current[state] === 0) continue;
        const token = tokens[state]!;
        switch (token.kind) {
          case 'char':
            if (code === token.code) next[state + 1] = 1;
            break;
          case 'one':
            if (code !== SLASH) next[state + 1] = 1;
            break;
          case 'class':
            if (code !== SLASH && token.test(code)) next[state + 1] = 1;
            break;
          case 'star':
            if (code !== SLASH) next[state] = 1;
            break;
          case 'directories':
            next[state] = 1;
            if (code === SLASH) next[state + 1] = 1;
            break;
          case 'rest':
            next[state] = 1;
            next[state + 1] = 1;
            break;
        }
      }
      closure(tokens, next);
      for (let state = 0; state <= count; state += 1) if (next[state] === 1) { alive = true; break; }
      if (!alive) return false;
      [current, next] = [next, current];
    }
    return current[count] === 1;
  }
}

/** The literal characters at one end of the pattern, read from `start` in `step` direction. */
function literalRun(tokens: readonly Token[], start: number, step: 1 | -1): string {
  const codes: number[] = [];
  for (let index = start; index >= 0 && index < tokens.length; index += step) {
    const token = tokens[index]!;
    if (token.kind !== 'char') break;
    codes.push(token.code);
  }
  if (step === -1) codes.reverse();
  // a loop, not a spread: one pattern line may be megabytes long
  let text = '';
  for (const code of codes) text += String.fromCharCode(code);
  return text;
}

/** States that may be passed without reading a character: `*` and `**\/` match nothing too. */
function closure(tokens: readonly Token[], states: Uint8Array): void {
  for (let state = 0; state < tokens.length; state += 1) {
    const kind = tokens[state]!.kind;
    if (states[state] === 1 && (kind === 'star' || kind === 'directories')) states[state + 1] = 1;
  }
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index]!;
    if (char === '*') {
      let end = index;
      while (pattern[end] === '*') end += 1;
      const double = end - index >= 2;
      const atSegmentStart = index === 0 || pattern[index - 1] === '/';
      if (double && atSegmentStart && pattern[end] === '/') {
        tokens.push({ kind: 'directories' });
        index = end + 1;
      } else if (double && atSegmentStart && end === pattern.length && index > 0) {
        // `dir/**`: the `/` is already a token; then at least one character
        tokens.push({ kind: 'rest' });
        index = end;
      } else if (double && index === 0 && end === pattern.length) {
        tokens.push({ kind: 'rest' });
        index = end;
      } else {
        tokens.push({ kind: 'star' });
        index = end;
      }
    } else if (char === '?') {
      tokens.push({ kind: 'one' });
      index += 1;
    } else if (char === '[') {
      const parsed = parseClass(pattern, index);
      if (parsed) {
        tokens.push({ kind: 'class', test: parsed.test });
        index = parsed.end;
      } else {
        tokens.push({ kind: 'char', code: 0x5b });
        index += 1;
      }
    } else if (char === '\\' && index + 1 < pattern.length) {
      tokens.push({ kind: 'char', code: pattern.charCodeAt(index + 1) });
      index += 2;
    } else {
      tokens.push({ kind: 'char', code: pattern.charCodeAt(index) });
      index += 1;
    }
  }
  return tokens;
}

const NAMED_CLASSES: Record<string, (code: number) => boolean> = {
  alnum: (code) => /[A-Za-z0-9]/.test(String.fromCharCode(code)),
  alpha: (code) => /[A-Za-z]/.test(String.fromCharCode(code)),
  blank: (code) => code === 0x20 || code === 0x09,
  cntrl: (code) => code < 0x20 || code === 0x7f,
  digit: (code) => code >= 0x30 && code <= 0x39,
  graph: (code) => code > 0x20 && code < 0x7f,
  lower: (code) => code >= 0x61 && code <= 0x7a,
  print: (code) => code >= 0x20 && code < 0x7f,
  punct: (code) => /[!-/:-@[-`{-~]/.test(String.fromCharCode(code)),
  space: (code) => /\s/.test(String.fromCharCode(code)),
  upper: (code) => code >= 0x41 && code <= 0x5a,
  xdigit: (code) => /[0-9A-Fa-f]/.test(String.fromCharCode(code)),
};

/** `[…]`, `[!…]`/`[^…]`, ranges, `[:class:]` and `\` escapes; undefined when unterminated (then `[` is literal). */
function parseClass(pattern: string, start: number): { test: (code: number) => boolean; end: number } | undefined {
  let index = start + 1;
  const negated = pattern[index] === '!' || pattern[index] === '^';
  if (negated) index += 1;
  const ranges: Array<[number, number]> = [];
  const named: Array<(code: number) => boolean> = [];
  let first = true;
  while (index < pattern.length) {
    let char = pattern[index]!;
    if (char === ']' && !first) {
      const test = (code: number): boolean => (ranges.some(([low, high]) => code >= low && code <= high) || named.some((check) => check(code))) !== negated;
      return { test, end: index + 1 };
    }
    first = false;
    if (char === '[' && pattern[index + 1] === ':') {
      const close = pattern.indexOf(':]', index + 2);
      const check = close === -1 ? undefined : NAMED_CLASSES[pattern.slice(index + 2, close)];
      if (close !== -1 && check) {
        named.push(check);
        index = close + 2;
        continue;
      }
    }
    if (char === '\\' && index + 1 < pattern.length) {
      index += 1;
      char = pattern[index]!;
    }
    const low = char.charCodeAt(0);
    if (pattern[index + 1] === '-' && index + 2 < pattern.length && pattern[index + 2] !== ']') {
      let highIndex = index + 2;
      if (pattern[highIndex] === '\\' && highIndex + 1 < pattern.length) highIndex += 1;
      ranges.push([low, pattern.charCodeAt(highIndex)]);
      index = highIndex + 1;
    } else {
      ranges.push([low, low]);
      index += 1;
    }
  }
  return undefined;
}
