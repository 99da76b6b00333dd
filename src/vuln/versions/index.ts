import { compareApkVersions, isValidApkVersion } from './apk.js';
import { compareDpkgVersions, parseDpkgVersion } from './dpkg.js';
import { compareMavenVersions } from './maven.js';
import { comparePep440, parsePep440 } from './pep440.js';
import { compareRpmVersions, parseRpmVersion } from './rpm.js';
import { compareSemVer, parseGoVersion, parseSemVer, type SemVer } from './semver.js';

/** One ecosystem's version ordering. */
export interface VersionOrder {
  readonly name: 'dpkg' | 'apk' | 'rpm' | 'semver' | 'go' | 'pep440' | 'maven';
  /** whether the ordering can place this version at all; a version it cannot place is never matched */
  isValid(version: string): boolean;
  /** -1, 0 or 1; only for versions `isValid` accepts */
  compare(left: string, right: string): number;
}

/** Parsed versions are kept: advisories repeat the same bounds and long `versions` lists across packages. */
function memoized<T>(parse: (version: string) => T | undefined): (version: string) => T | undefined {
  const cache = new Map<string, T | null>();
  return (version) => {
    let parsed = cache.get(version);
    if (parsed === undefined) {
      if (cache.size >= 100_000) cache.clear();
      parsed = parse(version) ?? null;
      cache.set(version, parsed);
    }
    return parsed ?? undefined;
  };
}

function orderFrom<T>(name: VersionOrder['name'], parseVersion: (version: string) => T | undefined, compare: (left: T, right: T) => number): VersionOrder {
  const parse = memoized(parseVersion);
  return {
    name,
    isValid: (version) => parse(version) !== undefined,
    compare: (left, right) => {
      const a = parse(left);
      const b = parse(right);
      if (a === undefined || b === undefined) throw new Error(`not a ${name} version: ${a === undefined ? left : right}`);
      return Math.sign(compare(a, b));
    },
  };
}

export const dpkgOrder = orderFrom('dpkg', parseDpkgVersion, compareDpkgVersions);
export const rpmOrder = orderFrom('rpm', (version) => parseRpmVersion(version), compareRpmVersions);
export const semverOrder = orderFrom('semver', parseSemVer, compareSemVer);
export const goOrder = orderFrom<SemVer>('go', parseGoVersion, compareSemVer);
export const pep440Order = orderFrom('pep440', parsePep440, comparePep440);
export const apkOrder: VersionOrder = {
  name: 'apk',
  isValid: isValidApkVersion,
  compare: (left, right) => compareApkVersions(left, right),
};
export const mavenOrder: VersionOrder = {
  name: 'maven',
  // ComparableVersion accepts any string
  isValid: (version) => version.trim() !== '',
  compare: (left, right) => Math.sign(compareMavenVersions(left, right)),
};

const BY_ECOSYSTEM: Record<string, VersionOrder> = {
  Debian: dpkgOrder,
  Ubuntu: dpkgOrder,
  Alpine: apkOrder,
  Wolfi: apkOrder,
  Chainguard: apkOrder,
  'Red Hat': rpmOrder,
  'Rocky Linux': rpmOrder,
  AlmaLinux: rpmOrder,
  openSUSE: rpmOrder,
  SUSE: rpmOrder,
  Mageia: rpmOrder,
  openEuler: rpmOrder,
  'Photon OS': rpmOrder,
  npm: semverOrder,
  'crates.io': semverOrder,
  Go: goOrder,
  PyPI: pep440Order,
  Maven: mavenOrder,
};

/** The OSV ecosystem without its release suffix: `Debian:12` → `Debian`, `Alpine:v3.20` → `Alpine`. */
export function baseEcosystem(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon >= 0 ? ecosystem.slice(0, colon) : ecosystem;
}

/** The ordering of an OSV ecosystem's `ECOSYSTEM` ranges; undefined for ecosystems Rampart cannot order. */
export function versionOrderFor(ecosystem: string): VersionOrder | undefined {
  return BY_ECOSYSTEM[baseEcosystem(ecosystem)];
}
