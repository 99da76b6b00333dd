/**
 * Debian version ordering (Debian Policy §5.6.12, dpkg's `verrevcmp`):
 * `[epoch:]upstream[-revision]`, epoch numeric, then each part compared by alternating
 * non-digit runs (`~` first, then end of string, then letters, then other characters) and
 * digit runs compared as numbers.
 */
export interface DpkgVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

/** Parses a Debian version as dpkg does; undefined when it is not one (bad epoch, empty upstream). */
export function parseDpkgVersion(text: string): DpkgVersion | undefined {
  const version = text.trim();
  if (version === '' || /\s/.test(version)) return undefined;
  const colon = version.indexOf(':');
  let epoch = 0;
  let rest = version;
  if (colon >= 0) {
    const epochText = version.slice(0, colon);
    if (!/^\d+$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    rest = version.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  // dpkg refuses an empty upstream part and an empty revision after a hyphen
  if (upstream === '' || (hyphen >= 0 && revision === '')) return undefined;
  return { epoch, upstream, revision };
}

const TILDE = 0x7e;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** The weight of one character in a non-digit run; NaN (past the end) weighs as 0. */
function weight(code: number): number {
  if (Number.isNaN(code) || isDigit(code)) return 0;
  if (isLetter(code)) return code;
  if (code === TILDE) return -1;
  return code + 256;
}

/** Compares one part (upstream or revision) of two versions: dpkg's verrevcmp. */
export function compareDpkgPart(left: string, right: string): number {
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    while ((i < left.length && !isDigit(left.charCodeAt(i))) || (j < right.length && !isDigit(right.charCodeAt(j)))) {
      const a = weight(left.charCodeAt(i));
      const b = weight(right.charCodeAt(j));
      if (a !== b) return Math.sign(a - b);
      i++;
      j++;
    }
    while (left.charCodeAt(i) === 0x30) i++;
    while (right.charCodeAt(j) === 0x30) j++;
    let firstDifference = 0;
    while (isDigit(left.charCodeAt(i)) && isDigit(right.charCodeAt(j))) {
      if (firstDifference === 0) firstDifference = left.charCodeAt(i) - right.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(left.charCodeAt(i))) return 1;
    if (isDigit(right.charCodeAt(j))) return -1;
    if (firstDifference !== 0) return Math.sign(firstDifference);
  }
  return 0;
}

export function compareDpkgVersions(left: DpkgVersion, right: DpkgVersion): number {
  if (left.epoch !== right.epoch) return left.epoch < right.epoch ? -1 : 1;
  return compareDpkgPart(left.upstream, right.upstream) || compareDpkgPart(left.revision, right.revision);
}
