import { compareDigits } from './numeric.js';

/**
 * Alpine version ordering as apk-tools (2.14/3.x) defines it:
 * `digits{.digits}…{letter}{_suffix{digits}}…{~hash}{-rN}`. Pre-release suffixes
 * (`_alpha _beta _pre _rc`) sort below the plain version, post-release ones (`_cvs _svn _git _hg _p`)
 * above. A dotted component with a leading zero compares as a string (`1.01` < `1.1`), as Gentoo does.
 */
enum Token {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNumber,
  CommitHash,
  Revision,
  End,
  Invalid,
}

/** Suffix ranks: below `NONE` is a pre-release. */
const SUFFIX_RANK: Record<string, number> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };
const SUFFIX_NONE = 5;

interface TokenState {
  kind: Token;
  text: string;
  suffix: number;
}

/** Reads one version token at a time, validating that each kind may follow the one before. */
class ApkTokens {
  readonly state: TokenState = { kind: Token.InitialDigit, text: '', suffix: 0 };
  private position = 0;

  constructor(private readonly version: string) {
    this.readDigits();
  }

  private readSpan(allowed: RegExp): string {
    const start = this.position;
    while (this.position < this.version.length && allowed.test(this.version[this.position]!)) this.position++;
    return this.version.slice(start, this.position);
  }

  private readDigits(): void {
    this.state.text = this.readSpan(/[0-9]/);
    if (this.state.text === '') this.state.kind = Token.Invalid;
  }

  next(): void {
    const state = this.state;
    if (this.position >= this.version.length) {
      state.kind = Token.End;
      return;
    }
    const char = this.version[this.position]!;
    if (char >= 'a' && char <= 'z') {
      if (state.kind > Token.Digit) return this.invalid();
      state.text = char;
      state.kind = Token.Letter;
      this.position++;
    } else if (char === '.' || (char >= '0' && char <= '9')) {
      if (char === '.') {
        if (state.kind > Token.Digit) return this.invalid();
        this.position++;
      }
      if (state.kind === Token.InitialDigit || state.kind === Token.Digit) state.kind = Token.Digit;
      else if (state.kind === Token.Suffix) state.kind = Token.SuffixNumber;
      else return this.invalid();
      this.readDigits();
    } else if (char === '_') {
      if (state.kind > Token.SuffixNumber) return this.invalid();
      this.position++;
      state.text = this.readSpan(/[a-z]/);
      const rank = SUFFIX_RANK[state.text];
      if (rank === undefined) return this.invalid();
      state.suffix = rank;
      state.kind = Token.Suffix;
    } else if (char === '~') {
      if (state.kind >= Token.CommitHash) return this.invalid();
      this.position++;
      state.text = this.readSpan(/[0-9a-f]/);
      if (state.text === '') return this.invalid();
      state.kind = Token.CommitHash;
    } else if (char === '-') {
      if (state.kind >= Token.Revision || this.version[this.position + 1] !== 'r') return this.invalid();
      this.position += 2;
      state.kind = Token.Revision;
      this.readDigits();
    } else {
      this.invalid();
    }
  }

  private invalid(): void {
    this.state.kind = Token.Invalid;
  }
}

/** apk_blob_sort: bytewise, then the shorter first. */
function compareBytes(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const difference = left.charCodeAt(index) - right.charCodeAt(index);
    if (difference !== 0) return Math.sign(difference);
  }
  return Math.sign(left.length - right.length);
}

/** Two tokens of the same kind. */
function compareTokens(kind: Token, left: TokenState, right: TokenState): number {
  switch (kind) {
    case Token.Digit:
      if (left.text.startsWith('0') || right.text.startsWith('0')) return compareBytes(left.text, right.text);
      return compareDigits(left.text, right.text);
    case Token.InitialDigit:
    case Token.SuffixNumber:
    case Token.Revision:
      return compareDigits(left.text, right.text);
    case Token.Letter:
      return compareBytes(left.text, right.text);
    case Token.Suffix:
      return Math.sign(left.suffix - right.suffix);
    default:
      return compareBytes(left.text, right.text);
  }
}

/** True when apk would accept the string as a version. */
export function isValidApkVersion(version: string): boolean {
  const tokens = new ApkTokens(version);
  while (tokens.state.kind < Token.End) tokens.next();
  return tokens.state.kind === Token.End;
}

/** apk's version comparison: -1, 0 or 1. */
export function compareApkVersions(left: string, right: string): number {
  const a = new ApkTokens(left);
  const b = new ApkTokens(right);
  while (a.state.kind === b.state.kind && a.state.kind < Token.End) {
    const order = compareTokens(a.state.kind, a.state, b.state);
    if (order !== 0) return order;
    a.next();
    b.next();
  }
  const kindA = a.state.kind;
  const kindB = b.state.kind;
  if (kindA === kindB) return 0;
  // equal so far: the longer one is newer, unless what follows is a pre-release suffix
  if (kindA === Token.Suffix && a.state.suffix < SUFFIX_NONE) return -1;
  if (kindB === Token.Suffix && b.state.suffix < SUFFIX_NONE) return 1;
  return kindA > kindB ? -1 : 1;
}
