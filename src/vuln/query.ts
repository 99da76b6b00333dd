import type { ImagePackage, OsIdentity } from '../image/catalog/package.js';

/** What to look up in the database for one installed package. */
export interface PackageQuery {
  /** OSV ecosystem without release: the store's key */
  readonly ecosystem: string;
  /** the release-qualified ecosystem strings an advisory must name to apply (`Debian:12`); empty = the ecosystem has no releases */
  readonly releases: readonly string[];
  /** a label for messages: `Debian:12`, `Alpine:v3.20`, `PyPI` */
  readonly label: string;
  /** the name advisories are keyed by (a distro's source/origin package) */
  readonly name: string;
  /** the version compared with advisory ranges (the source version for Debian) */
  readonly version: string;
}

export type QueryOutcome = { readonly query: PackageQuery } | { readonly unsupported: string; readonly label: string };

function majorMinor(versionId: string | undefined): string | undefined {
  return versionId ? /^\d+\.\d+/.exec(versionId)?.[0] : undefined;
}

function major(versionId: string | undefined): string | undefined {
  return versionId ? /^\d+/.exec(versionId)?.[0] : undefined;
}

type OsTarget = { ecosystem: string; releases: string[]; label: string; keyedBySource: boolean } | { unsupported: string; label: string };

/** SLE `15.6` is marketed as `15 SP6`; `15` and `15.0` as `15`. */
function suseRelease(versionId: string | undefined): string | undefined {
  const match = versionId ? /^(\d+)(?:\.(\d+))?/.exec(versionId) : null;
  if (!match) return undefined;
  return match[2] && match[2] !== '0' ? `${match[1]} SP${match[2]}` : match[1];
}

/**
 * SUSE advisories name the product by its marketing name, the os-release PRETTY_NAME; the data writes it
 * with and without the vendor word (`SUSE:SUSE Linux Enterprise Server 15 SP6`, `SUSE:Linux Enterprise
 * Server 15 SP6`), and SLE fixes often ship in a module of the same service pack.
 */
function suseTarget(id: string, os: OsIdentity | undefined): OsTarget {
  const pretty = os?.prettyName?.trim();
  if (id.startsWith('opensuse')) {
    if (!pretty) return { unsupported: 'the openSUSE release is not named in os-release (PRETTY_NAME)', label: 'openSUSE' };
    const bare = pretty.replace(/^openSUSE\s+/i, '');
    return { ecosystem: 'openSUSE', releases: unique([`openSUSE:${pretty}`, `openSUSE:${bare}`]), label: `openSUSE:${bare}`, keyedBySource: true };
  }
  const release = suseRelease(os?.versionId);
  if (!release) return { unsupported: 'the SUSE release is not named in os-release (VERSION_ID)', label: 'SUSE' };
  const product = id === 'sle-micro' || id === 'sl-micro' ? 'Linux Enterprise Micro' : 'Linux Enterprise Server';
  const releases = [`SUSE:${product} ${release}`, `SUSE:SUSE ${product} ${release}`, `SUSE:Linux Enterprise Module for * ${release}`, `SUSE:SUSE Linux Enterprise Module for * ${release}`];
  if (pretty) releases.push(`SUSE:${pretty}`, `SUSE:${pretty.replace(/^SUSE\s+/i, '')}`);
  return { ecosystem: 'SUSE', releases: unique(releases), label: `SUSE:${product} ${release}`, keyedBySource: true };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Which OS advisories apply to an image, from its os-release. */
function osEcosystem(pkg: ImagePackage, os: OsIdentity | undefined): OsTarget {
  const id = os?.id ?? '';
  const versionId = os?.versionId;
  const label = `${pkg.type} on ${id || 'an unknown OS'}${versionId ? ` ${versionId}` : ''}`;
  if (pkg.type === 'deb' && id === 'debian') {
    const release = major(versionId);
    if (!release) return { unsupported: 'the Debian release is not named in os-release (testing or unstable): advisories are per release', label: 'Debian' };
    return { ecosystem: 'Debian', releases: [`Debian:${release}`], label: `Debian:${release}`, keyedBySource: true };
  }
  if (pkg.type === 'deb' && id === 'ubuntu') {
    const release = majorMinor(versionId);
    if (!release) return { unsupported: 'the Ubuntu release is not named in os-release', label: 'Ubuntu' };
    return { ecosystem: 'Ubuntu', releases: [`Ubuntu:${release}`, `Ubuntu:${release}:LTS`], label: `Ubuntu:${release}`, keyedBySource: true };
  }
  if (pkg.type === 'apk' && id === 'alpine') {
    const release = majorMinor(versionId);
    if (!release) return { unsupported: 'the Alpine release is not named in os-release', label: 'Alpine' };
    return { ecosystem: 'Alpine', releases: [`Alpine:v${release}`], label: `Alpine:v${release}`, keyedBySource: true };
  }
  if (pkg.type === 'apk' && (id === 'wolfi' || id === 'chainguard')) {
    const ecosystem = id === 'wolfi' ? 'Wolfi' : 'Chainguard';
    return { ecosystem, releases: [], label: ecosystem, keyedBySource: true };
  }
  if (pkg.type !== 'rpm') return { unsupported: `Rampart maps no OSV ecosystem to ${label} packages`, label };
  if (id === 'almalinux' || id === 'rocky') {
    const release = major(versionId);
    const ecosystem = id === 'almalinux' ? 'AlmaLinux' : 'Rocky Linux';
    if (!release) return { unsupported: `the ${ecosystem} release is not named in os-release`, label: ecosystem };
    return { ecosystem, releases: [`${ecosystem}:${release}`], label: `${ecosystem}:${release}`, keyedBySource: true };
  }
  if (id === 'rhel') {
    const release = major(versionId);
    if (!release) return { unsupported: 'the Red Hat Enterprise Linux release is not named in os-release', label: 'Red Hat' };
    // the ecosystem suffix is the product stream's CPE: every stream of the major release (baseos, appstream, crb)
    return { ecosystem: 'Red Hat', releases: [`Red Hat:enterprise_linux:${release}::*`], label: `Red Hat:enterprise_linux:${release}`, keyedBySource: false };
  }
  if (id === 'sles' || id === 'sled' || id === 'sle-micro' || id === 'sl-micro' || id === 'opensuse-leap' || id === 'opensuse-tumbleweed' || id === 'opensuse') {
    return suseTarget(id, os);
  }
  if (id === 'photon') {
    const release = majorMinor(versionId) ?? (major(versionId) ? `${major(versionId)}.0` : undefined);
    if (!release) return { unsupported: 'the Photon OS release is not named in os-release', label: 'Photon OS' };
    return { ecosystem: 'Photon OS', releases: [`Photon OS:${release}`], label: `Photon OS:${release}`, keyedBySource: false };
  }
  if (id === 'mageia') {
    const release = major(versionId);
    if (!release) return { unsupported: 'the Mageia release is not named in os-release', label: 'Mageia' };
    return { ecosystem: 'Mageia', releases: [`Mageia:${release}`], label: `Mageia:${release}`, keyedBySource: true };
  }
  if (id === 'openEuler' || id === 'openeuler') {
    // advisories cover LTS releases only, named `22.03-LTS-SP3`; os-release writes `openEuler 22.03 (LTS-SP3)`
    const match = /(\d+\.\d+)\s*\((LTS(?:-SP\d+)?)\)/i.exec(os?.prettyName ?? '');
    if (!match) return { unsupported: 'openEuler advisories cover LTS releases only, and os-release names none', label: 'openEuler' };
    const release = `${match[1]}-${match[2]!.toUpperCase()}`;
    return { ecosystem: 'openEuler', releases: [`openEuler:${release}`], label: `openEuler:${release}`, keyedBySource: true };
  }
  return { unsupported: `Rampart maps no OSV ecosystem to ${label} packages`, label };
}

/** osEcosystem once per OS and package type: it depends on nothing else, and an image has thousands of packages */
const osTargets = new WeakMap<OsIdentity, Map<ImagePackage['type'], OsTarget>>();

function osTargetOf(pkg: ImagePackage, os: OsIdentity | undefined): OsTarget {
  if (!os) return osEcosystem(pkg, os);
  let byType = osTargets.get(os);
  if (!byType) osTargets.set(os, (byType = new Map()));
  let target = byType.get(pkg.type);
  if (!target) byType.set(pkg.type, (target = osEcosystem(pkg, os)));
  return target;
}

/**
 * The OSV query for a package. Distro advisories are keyed by the source package (Debian `Source:`,
 * apk origin) and a release; language packages by their registry name. No CPEs are guessed.
 */
export function queryFor(pkg: ImagePackage, os: OsIdentity | undefined): QueryOutcome {
  switch (pkg.type) {
    case 'deb':
    case 'apk':
    case 'rpm': {
      const target = osTargetOf(pkg, os);
      if ('unsupported' in target) return target;
      const { keyedBySource, ...where } = target;
      // Debian tracks source versions (a binNMU's +b1 is not in them); apk origins and source rpms share the package's version
      const name = keyedBySource ? (pkg.source?.name ?? pkg.name) : pkg.name;
      const version = pkg.type === 'deb' ? (pkg.source?.version ?? pkg.version) : pkg.type === 'rpm' && pkg.epoch && pkg.epoch !== '0' ? `${pkg.epoch}:${pkg.version}` : pkg.version;
      return { query: { ...where, name, version } };
    }
    case 'npm':
      return { query: { ecosystem: 'npm', releases: [], label: 'npm', name: pkg.name, version: pkg.version } };
    case 'pypi':
      return { query: { ecosystem: 'PyPI', releases: [], label: 'PyPI', name: pkg.name, version: pkg.version } };
    case 'golang':
      return { query: { ecosystem: 'Go', releases: [], label: 'Go', name: pkg.name, version: pkg.version } };
    case 'maven':
      if (!pkg.namespace) return { unsupported: 'a Maven artifact without its group id cannot be looked up', label: 'Maven' };
      return { query: { ecosystem: 'Maven', releases: [], label: 'Maven', name: `${pkg.namespace}:${pkg.name}`, version: pkg.version } };
    case 'cargo':
      return { query: { ecosystem: 'crates.io', releases: [], label: 'crates.io', name: pkg.name, version: pkg.version } };
  }
}

const releasePatterns = new Map<string, RegExp>();

/** Whether a release-qualified ecosystem string is one of the query's releases (`*` in a release stands for any text). */
export function isQueriedRelease(query: PackageQuery, ecosystem: string): boolean {
  return query.releases.some((release) => {
    if (!release.includes('*')) return release === ecosystem;
    let pattern = releasePatterns.get(release);
    if (!pattern) {
      pattern = new RegExp(`^${release.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      releasePatterns.set(release, pattern);
    }
    return pattern.test(ecosystem);
  });
}

/** Whether an advisory's affected entry applies to the query's release. */
export function appliesTo(query: PackageQuery, ecosystem: string): boolean {
  if (query.releases.length === 0) return ecosystem === query.ecosystem || ecosystem.startsWith(`${query.ecosystem}:`);
  // an entry naming only the distro (no release) applies to every release
  return ecosystem === query.ecosystem || isQueriedRelease(query, ecosystem);
}
