/**
 * Whether a version satisfies a Helm (Masterminds/semver v3) constraint, enough to compare a
 * `Chart.lock` with its `Chart.yaml`: `||` alternatives of comma- or space-separated
 * comparisons (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~`, `~>`, `^`), `x`/`X`/`*` wildcards, partial
 * versions (`1.2` is `1.2.x`) and hyphen ranges (`1.2 - 1.4.5`). Pre-releases compare by their
 * text. Undefined when either side cannot be read: callers then stay silent.
 */
export function satisfiesConstraint(version: string, constraint: string): boolean | undefined {
  const target = parseVersion(version);
  if (!target || target.parts.some((part) => part === undefined)) return undefined;
  const alternatives = constraint.split('||').map((alternative) => alternative.trim());
  let anyReadable = false;
  for (const alternative of alternatives) {
    const comparisons = splitComparisons(alternative);
    if (!comparisons) continue;
    anyReadable = true;
    if (comparisons.every((comparison) => comparison(target))) return true;
  }
  return anyReadable ? false : undefined;
}

interface Version {
  /** major, minor, patch; undefined for a wildcard or an omitted part */
  readonly parts: readonly [number | undefined, number | undefined, number | undefined];
  readonly prerelease: string;
}

type Comparison = (version: Version) => boolean;

const VERSION = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  const part = (value: string | undefined): number | undefined => (value === undefined || /^[xX*]$/.test(value) ? undefined : Number(value));
  return { parts: [part(match[1]), part(match[2]), part(match[3])], prerelease: match[4] ?? '' };
}

function splitComparisons(alternative: string): Comparison[] | undefined {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(alternative);
  if (hyphen?.[1] && hyphen[2]) {
    const low = parseVersion(hyphen[1]);
    const high = parseVersion(hyphen[2]);
    if (!low || !high) return undefined;
    return [(version) => compare(version, fill(low)) >= 0, upperBoundOf(high)];
  }
  // `>= 1.2, < 2` and `>=1.2 <2`: glue operators to their versions, then split
  const tokens = alternative.replace(/(>=|<=|=>|=<|!=|~>|[=<>~^])\s+/g, '$1').split(/[\s,]+/).filter((token) => token !== '');
  if (tokens.length === 0) return [() => true];
  const comparisons: Comparison[] = [];
  for (const token of tokens) {
    const match = /^(>=|<=|=>|=<|!=|~>|[=<>~^])?(.*)$/.exec(token);
    const operator = match?.[1] ?? '';
    const bound = parseVersion(match?.[2] ?? '');
    if (!bound) return undefined;
    const comparison = comparisonFor(operator, bound);
    if (!comparison) return undefined;
    comparisons.push(comparison);
  }
  return comparisons;
}

function comparisonFor(operator: string, bound: Version): Comparison | undefined {
  const [major, minor, patch] = bound.parts;
  const low = fill(bound);
  switch (operator) {
    case '':
    case '=':
      if (patch !== undefined && minor !== undefined && major !== undefined) return (version) => compare(version, low) === 0;
      return wildcardRange(bound);
    case '!=': return (version) => compare(version, low) !== 0;
    case '>': return (version) => compare(version, low) > 0;
    case '<': return (version) => compare(version, low) < 0;
    case '>=': case '=>': return (version) => compare(version, low) >= 0;
    case '<=': case '=<': return upperBoundOf(bound);
    case '~': case '~>': {
      if (major === undefined) return () => true;
      const next = minor === undefined ? [major + 1, 0, 0] : [major, minor + 1, 0];
      return (version) => compare(version, low) >= 0 && compareParts(version, next) < 0;
    }
    case '^': {
      if (major === undefined) return () => true;
      const next = major > 0 || minor === undefined ? [major + 1, 0, 0] : minor > 0 || patch === undefined ? [0, minor + 1, 0] : [0, 0, (patch ?? 0) + 1];
      return (version) => compare(version, low) >= 0 && compareParts(version, next) < 0;
    }
    default: return undefined;
  }
}

function wildcardRange(bound: Version): Comparison {
  const [major, minor] = bound.parts;
  if (major === undefined) return () => true;
  const next = minor === undefined ? [major + 1, 0, 0] : [major, minor + 1, 0];
  return (version) => compare(version, fill(bound)) >= 0 && compareParts(version, next) < 0;
}

/** `<=1.2` includes all of 1.2.x; `<=1.2.3` includes 1.2.3 only. */
function upperBoundOf(bound: Version): Comparison {
  const [major, minor, patch] = bound.parts;
  if (major === undefined) return () => true;
  if (minor === undefined) return (version) => compareParts(version, [major + 1, 0, 0]) < 0;
  if (patch === undefined) return (version) => compareParts(version, [major, minor + 1, 0]) < 0;
  return (version) => compare(version, fill(bound)) <= 0;
}

function fill(version: Version): Version {
  const [major, minor, patch] = version.parts;
  return { parts: [major ?? 0, minor ?? 0, patch ?? 0], prerelease: version.prerelease };
}

function compareParts(version: Version, parts: readonly number[]): number {
  for (let index = 0; index < 3; index += 1) {
    const difference = (version.parts[index] ?? 0) - (parts[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function compare(a: Version, b: Version): number {
  const byParts = compareParts(a, [b.parts[0] ?? 0, b.parts[1] ?? 0, b.parts[2] ?? 0]);
  if (byParts !== 0) return byParts;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}
