/**
 * Semantic Versioning 2.0.0 precedence (npm, crates.io, OSV `SEMVER` ranges), and Go's module
 * versions on top of it: a leading `v`, pseudo-versions (valid pre-releases, so ordinary precedence
 * orders them), `+incompatible`, and the toolchain's `go1.21rc2` spelling for `stdlib`.
 */
export interface SemVer {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly prerelease: readonly string[];
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Strict semver (an OSV `SEMVER` range may prefix `v`, which is dropped); undefined when not one. */
export function parseSemVer(text: string): SemVer | undefined {
  const match = SEMVER.exec(text.trim().replace(/^v/, ''));
  if (!match) return undefined;
  return {
    major: BigInt(match[1]!),
    minor: BigInt(match[2]!),
    patch: BigInt(match[3]!),
    prerelease: match[4] ? match[4].split('.') : [],
  };
}

function compareBig(left: bigint, right: bigint): number {
  return left === right ? 0 : left < right ? -1 : 1;
}

function compareIdentifier(left: string, right: string): number {
  const leftNumeric = /^\d+$/.test(left);
  const rightNumeric = /^\d+$/.test(right);
  if (leftNumeric && rightNumeric) return compareBig(BigInt(left), BigInt(right));
  if (leftNumeric) return -1;
  if (rightNumeric) return 1;
  return left === right ? 0 : left < right ? -1 : 1;
}

export function compareSemVer(left: SemVer, right: SemVer): number {
  const core = compareBig(left.major, right.major) || compareBig(left.minor, right.minor) || compareBig(left.patch, right.patch);
  if (core !== 0) return core;
  // a release sorts after its pre-releases
  if (left.prerelease.length === 0 || right.prerelease.length === 0) return Math.sign(right.prerelease.length - left.prerelease.length);
  for (let index = 0; index < Math.min(left.prerelease.length, right.prerelease.length); index++) {
    const order = compareIdentifier(left.prerelease[index]!, right.prerelease[index]!);
    if (order !== 0) return order;
  }
  return Math.sign(left.prerelease.length - right.prerelease.length);
}

/**
 * A Go version as the Go vulnerability database writes it (`1.2.3`, no `v`). Accepts module
 * versions (`v1.2.3`, pseudo-versions, `+incompatible`) and toolchain versions (`go1.21`,
 * `go1.21.3`, `go1.21rc2`, `go1.9beta1`), the latter as `stdlib` is versioned: `1.21.0-rc.2`.
 */
export function parseGoVersion(text: string): SemVer | undefined {
  const trimmed = text.trim();
  const toolchain = /^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(alpha|beta|rc)(\d+))?$/.exec(trimmed);
  if (toolchain) {
    const [, major, minor = '0', patch = '0', kind, number] = toolchain;
    return parseSemVer(`${major}.${minor}.${patch}${kind ? `-${kind}.${number}` : ''}`);
  }
  // a toolchain version without its patch (`1.21`, as build info's `go1.21` reads once `go` is dropped)
  if (/^\d+\.\d+$/.test(trimmed)) return parseSemVer(`${trimmed}.0`);
  return parseSemVer(trimmed);
}
