/**
 * RPM version ordering: `rpmvercmp` on version and release, after the epoch (missing epoch = 0).
 * Runs of letters or digits are compared (digits numerically and above letters); other characters
 * only separate, except `~` (sorts before everything, even the end) and `^` (after the end,
 * before anything else).
 */
export interface RpmVersion {
  readonly epoch: number;
  readonly version: string;
  readonly release?: string;
}

/** `[epoch:]version[-release]`; undefined when the epoch is not a number or the version is empty. */
export function parseRpmVersion(text: string, epochQualifier?: string): RpmVersion | undefined {
  const evr = text.trim();
  if (evr === '' || /\s/.test(evr)) return undefined;
  const colon = evr.indexOf(':');
  let epochText = epochQualifier ?? '0';
  let rest = evr;
  if (colon >= 0) {
    epochText = evr.slice(0, colon) || '0';
    rest = evr.slice(colon + 1);
  }
  if (!/^\d+$/.test(epochText)) return undefined;
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  if (version === '') return undefined;
  return hyphen >= 0 ? { epoch: Number(epochText), version, release: rest.slice(hyphen + 1) } : { epoch: Number(epochText), version };
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isAlpha(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isAlnum(code: number): boolean {
  return isDigit(code) || isAlpha(code);
}

const TILDE = '~';
const CARET = '^';

/** rpmvercmp: -1, 0 or 1. */
export function rpmvercmp(left: string, right: string): number {
  if (left === right) return 0;
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    while (i < left.length && !isAlnum(left.charCodeAt(i)) && left[i] !== TILDE && left[i] !== CARET) i++;
    while (j < right.length && !isAlnum(right.charCodeAt(j)) && right[j] !== TILDE && right[j] !== CARET) j++;
    if (left[i] === TILDE || right[j] === TILDE) {
      if (left[i] !== TILDE) return 1;
      if (right[j] !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (left[i] === CARET || right[j] === CARET) {
      if (i >= left.length) return -1;
      if (j >= right.length) return 1;
      if (left[i] !== CARET) return 1;
      if (right[j] !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (i >= left.length || j >= right.length) break;
    const numeric = isDigit(left.charCodeAt(i));
    const inRun = numeric ? isDigit : isAlpha;
    let endLeft = i;
    let endRight = j;
    while (endLeft < left.length && inRun(left.charCodeAt(endLeft))) endLeft++;
    while (endRight < right.length && inRun(right.charCodeAt(endRight))) endRight++;
    // a numeric run is newer than an alphabetic one
    if (endRight === j) return numeric ? 1 : -1;
    let a = left.slice(i, endLeft);
    let b = right.slice(j, endRight);
    if (numeric) {
      a = a.replace(/^0+/, '');
      b = b.replace(/^0+/, '');
      if (a.length !== b.length) return a.length > b.length ? 1 : -1;
    }
    if (a !== b) return a < b ? -1 : 1;
    i = endLeft;
    j = endRight;
  }
  if (i >= left.length && j >= right.length) return 0;
  return i < left.length ? 1 : -1;
}

/** Epoch, then version, then release (a missing release is empty), as rpm's `rpmverCmp`. */
export function compareRpmVersions(left: RpmVersion, right: RpmVersion): number {
  if (left.epoch !== right.epoch) return left.epoch < right.epoch ? -1 : 1;
  return rpmvercmp(left.version, right.version) || rpmvercmp(left.release ?? '', right.release ?? '');
}
