import { linearRegExp } from './linear-regexp.js';

/**
 * Go (RE2) regular expressions — cosign identity patterns, Flux `filterTags`, Kustomize patch
 * targets — compiled for V8's linear-time engine, which RE2 semantics allow: a leading `(?s)` or
 * `(?m)` becomes the flag, and a leading `(?i)` letters of both cases (`[aA]`; the engine refuses
 * the i flag; ASCII letters only), `(?P<name>` a group, and counted repeats (`[a-f0-9]{40}`), which
 * the engine refuses beyond 16, are written out as copies of their atom. Only for testing whether a
 * text matches: groups lose their names and numbers.
 */
export type GoRegExpResult = { readonly regex: RegExp } | { readonly error: string };

/** pattern characters once counted repeats are written out; the engine's work is text × this */
const MAX_EXPANDED_LENGTH = 20_000;

const QUANTIFIER = /^\{(\d+)(?:(,)(\d*))?\}\??/;

export function goRegExp(source: string, options: { whole?: boolean } = {}): GoRegExpResult {
  let body = source;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(body);
  if (leading) {
    if (leading[1]!.includes('U')) return { error: '(?U) (ungreedy by default) is not supported: write lazy quantifiers (*?, +?) instead' };
    flags = [...new Set(leading[1])].join('');
    body = body.slice(leading[0].length);
  }
  const ignoreCase = flags.includes('i');
  flags = flags.replace('i', '');
  const expanded = expandRepeats(body, ignoreCase);
  if ('error' in expanded) return expanded;
  const pattern = options.whole ? `^(?:${expanded.pattern})$` : expanded.pattern;
  const regex = linearRegExp(pattern, flags);
  if (regex) return { regex };
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    return { error: `invalid regular expression: ${(error instanceof Error ? error.message : String(error)).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}` };
  }
  return { error: 'lookaround and back-references are not supported (RE2, which cosign, Flux and Kustomize use, has neither)' };
}

/** `atom{m,n}` written out as m copies and n − m nested optional ones; groups made non-capturing. */
function expandRepeats(source: string, ignoreCase: boolean): { pattern: string } | { error: string } {
  let out = '';
  const groupStarts: number[] = [];
  /** where the last atom begins in `out`, undefined when no atom can be repeated here */
  let atomStart: number | undefined;
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (char === '\\') {
      const length = escapeLength(source, index);
      const escape = source.slice(index, index + length);
      // Go's text anchors; JavaScript reads \A and \z as the letters
      if (escape === '\\A' || escape === '\\z') {
        out += escape === '\\A' ? '^' : '$';
        atomStart = undefined;
      } else {
        atomStart = out.length;
        const folded = ignoreCase && /^\\[xu][0-9A-Fa-f]+$/.test(escape) ? otherCases(escape) : '';
        out += folded === '' ? escape : `[${escape}${folded}]`;
      }
      index += length;
    } else if (char === '[') {
      const end = classEnd(source, index);
      if (end === -1) return { error: `unterminated character class at offset ${index}` };
      atomStart = out.length;
      out += jsClass(source.slice(index, end + 1), ignoreCase);
      index = end + 1;
    } else if (char === '(') {
      groupStarts.push(out.length);
      const rest = source.slice(index);
      const kept = /^\(\?(?::|=|!|<=|<!)/.exec(rest);
      const named = /^\(\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(rest);
      if (kept) {
        out += kept[0];
        index += kept[0].length;
      } else if (named) {
        out += '(?:';
        index += named[0].length;
      } else if (/^\(\?[imsU-]*[):]/.test(rest)) {
        return { error: `inline flags are only read at the start of the pattern (offset ${index}): put (?i) first to apply it to the whole pattern` };
      } else {
        out += '(?:';
        index += 1;
      }
      atomStart = undefined;
    } else if (char === ')') {
      const start = groupStarts.pop();
      out += ')';
      index += 1;
      atomStart = start;
    } else if (char === '{' && QUANTIFIER.test(source.slice(index)) && atomStart !== undefined) {
      const [text, low, comma, high] = QUANTIFIER.exec(source.slice(index))!;
      const min = Number(low);
      const max = comma === undefined ? min : high === '' ? Infinity : Number(high);
      if (max < min) return { error: `counted repeat ${text} has its maximum below its minimum` };
      const atom = out.slice(atomStart);
      const copies = Number.isFinite(max) ? max : min + 1;
      if (out.length + atom.length * copies + 6 * (copies - min) > MAX_EXPANDED_LENGTH) {
        return { error: `counted repeat ${text} is too large to match in linear time (over ${MAX_EXPANDED_LENGTH.toLocaleString('en')} characters written out): write + or * instead (e.g. [a-z]+ for [a-z]{1,500})` };
      }
      out = out.slice(0, atomStart) + writeOut(atom, min, max);
      index += text.length;
      atomStart = undefined;
    } else {
      atomStart = '*+?|^$'.includes(char) ? undefined : out.length;
      // `{` that is no quantifier is a literal, as Go reads it
      out += char === '{' || char === '}' ? `\\${char}` : ignoreCase && /[A-Za-z]/.test(char) ? `[${char.toLowerCase()}${char.toUpperCase()}]` : char;
      index += 1;
    }
    if (out.length > MAX_EXPANDED_LENGTH) return { error: `the pattern is too long (over ${MAX_EXPANDED_LENGTH.toLocaleString('en')} characters with counted repeats written out)` };
  }
  return { pattern: out };
}

function writeOut(atom: string, min: number, max: number): string {
  if (max === Infinity) return `${atom.repeat(min)}${atom}*`;
  let optional = '';
  for (let count = min; count < max; count += 1) optional = `(?:${atom}${optional})?`;
  return atom.repeat(min) + optional;
}

function escapeLength(source: string, index: number): number {
  const next = source[index + 1];
  if ((next === 'p' || next === 'P' || next === 'x' || next === 'u') && source[index + 2] === '{') {
    const close = source.indexOf('}', index + 3);
    if (close !== -1) return close - index + 1;
  }
  if (next === 'x') return 4;
  if (next === 'u') return 6;
  if (next === 'c') return 3;
  return next === undefined ? 1 : 2;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** A Go class in JavaScript: a leading `]` is a literal, `[:alpha:]` a named range. */
function jsClass(text: string, ignoreCase: boolean): string {
  const negated = text[1] === '^';
  let inner = text.slice(negated ? 2 : 1, -1);
  if (inner.startsWith(']')) inner = `\\]${inner.slice(1)}`;
  inner = inner.replace(/\[:(\^?)([a-z]+):\]/g, (whole, not: string, name: string) => (not === '' && POSIX_CLASSES[name] !== undefined ? POSIX_CLASSES[name]! : whole));
  return `[${negated ? '^' : ''}${inner}${ignoreCase ? otherCases(inner) : ''}]`;
}

const ESCAPED_CODES: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, '0': 0 };
const SET_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'p', 'P', 'b', 'B']);

/** The ranges a class's ASCII letters and letter ranges have in the other case: `a-f` → `A-F`. */
function otherCases(inner: string): string {
  const items: Array<[number, number]> = [];
  let index = 0;
  const next = (): number | undefined => {
    if (inner[index] !== '\\') return inner.charCodeAt(index++);
    const letter = inner[index + 1] ?? '';
    if (letter === 'x' || letter === 'u') {
      const digits = letter === 'x' ? 2 : 4;
      const code = Number.parseInt(inner.slice(index + 2, index + 2 + digits), 16);
      index += 2 + digits;
      return Number.isNaN(code) ? undefined : code;
    }
    index += 2;
    if (SET_ESCAPES.has(letter)) return undefined;
    return ESCAPED_CODES[letter] ?? letter.charCodeAt(0);
  };
  while (index < inner.length) {
    const low = next();
    if (inner[index] === '-' && index + 1 < inner.length) {
      index += 1;
      const high = next();
      if (low !== undefined && high !== undefined) items.push([low, high]);
    } else if (low !== undefined) items.push([low, low]);
  }
  let added = '';
  for (const [low, high] of items) {
    for (const [from, to, shift] of [[97, 122, -32], [65, 90, 32]] as const) {
      const start = Math.max(low, from);
      const end = Math.min(high, to);
      if (start <= end) added += `${String.fromCharCode(start + shift)}-${String.fromCharCode(end + shift)}`;
    }
  }
  return added;
}

/** the index of the `]` closing the class opened at `start`, or −1 */
function classEnd(source: string, start: number): number {
  let index = start + 1;
  if (source[index] === '^') index += 1;
  if (source[index] === ']') index += 1;
  for (; index < source.length; index += 1) {
    if (source[index] === '\\') index += 1;
    else if (source[index] === '[' && source[index + 1] === ':') {
      const close = source.indexOf(':]', index + 2);
      if (close !== -1) index = close + 1;
    } else if (source[index] === ']') return index;
  }
  return -1;
}
