import { compareDigits, compareText } from './numeric.js';

/**
 * PEP 440 versions, ordered as `packaging.version.Version` orders them: epoch, release (trailing
 * zeros ignored), pre-release (`a` < `b` < `rc`), post-release, dev-release, local version label.
 * Spellings are normalised as the PEP says (`alpha`→`a`, `c`/`pre`/`preview`→`rc`, `rev`/`r`→`post`,
 * `1.0-1` = `1.0.post1`, separators `-_.` optional).
 */
export interface Pep440Version {
  readonly epoch: string;
  readonly release: readonly string[];
  readonly pre?: { readonly label: 'a' | 'b' | 'rc'; readonly number: string };
  readonly post?: string;
  readonly dev?: string;
  readonly local?: readonly string[];
}

const PATTERN = new RegExp(
  '^\\s*v?(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)' +
    '(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\\d+)?)?' +
    '(?:(?:-(\\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\\d+)?))?' +
    '(?:[-_.]?(dev)[-_.]?(\\d+)?)?' +
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$',
  'i',
);

function preLabel(label: string): 'a' | 'b' | 'rc' {
  const lower = label.toLowerCase();
  if (lower === 'a' || lower === 'alpha') return 'a';
  if (lower === 'b' || lower === 'beta') return 'b';
  return 'rc';
}

export function parsePep440(text: string): Pep440Version | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const [, epoch = '0', release = '', preKind, preNumber, postImplicit, postKind, postNumber, devKind, devNumber, local] = match;
  return {
    epoch,
    release: release.split('.'),
    ...(preKind ? { pre: { label: preLabel(preKind), number: preNumber ?? '0' } } : {}),
    ...(postImplicit !== undefined ? { post: postImplicit } : postKind ? { post: postNumber ?? '0' } : {}),
    ...(devKind ? { dev: devNumber ?? '0' } : {}),
    ...(local ? { local: local.toLowerCase().split(/[-_.]/) } : {}),
  };
}

function compareRelease(left: readonly string[], right: readonly string[]): number {
  const length = Math.max(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const order = compareDigits(left[index] ?? '0', right[index] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

/** Pre-release rank: a dev release of the release itself sorts before every pre-release; no pre-release sorts last. */
function comparePre(left: Pep440Version, right: Pep440Version): number {
  const rank = (version: Pep440Version): number => (version.pre ? 1 : version.post === undefined && version.dev !== undefined ? 0 : 2);
  const byRank = rank(left) - rank(right);
  if (byRank !== 0) return Math.sign(byRank);
  if (!left.pre || !right.pre) return 0;
  return compareText(left.pre.label, right.pre.label) || compareDigits(left.pre.number, right.pre.number);
}

function compareOptional(left: string | undefined, right: string | undefined, absentSortsFirst: boolean): number {
  if (left === undefined && right === undefined) return 0;
  if (left === undefined) return absentSortsFirst ? -1 : 1;
  if (right === undefined) return absentSortsFirst ? 1 : -1;
  return compareDigits(left, right);
}

/** Local labels: absent first; segment by segment, numbers above words, a shorter prefix first. */
function compareLocal(left: readonly string[] | undefined, right: readonly string[] | undefined): number {
  if (!left || !right) return left ? 1 : right ? -1 : 0;
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const a = left[index]!;
    const b = right[index]!;
    const aNumeric = /^\d+$/.test(a);
    const bNumeric = /^\d+$/.test(b);
    const order = aNumeric && bNumeric ? compareDigits(a, b) : aNumeric ? 1 : bNumeric ? -1 : compareText(a, b);
    if (order !== 0) return order;
  }
  return Math.sign(left.length - right.length);
}

export function comparePep440(left: Pep440Version, right: Pep440Version): number {
  return (
    compareDigits(left.epoch, right.epoch) ||
    compareRelease(left.release, right.release) ||
    comparePre(left, right) ||
    compareOptional(left.post, right.post, true) ||
    compareOptional(left.dev, right.dev, false) ||
    compareLocal(left.local, right.local)
  );
}
