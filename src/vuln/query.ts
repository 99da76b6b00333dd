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

/** Which OS advisories apply to an image, from its os-release. */
function osEcosystem(pkg: ImagePackage, os: OsIdentity | undefined): { ecosystem: string; releases: string[]; label: string } | { unsupported: string; label: string } {
  const id = os?.id ?? '';
  const versionId = os?.versionId;
  const label = `${pkg.type} on ${id || 'an unknown OS'}${versionId ? ` ${versionId}` : ''}`;
  if (pkg.type === 'deb' && id === 'debian') {
    const major = versionId ? /^\d+/.exec(versionId)?.[0] : undefined;
    if (!major) return { unsupported: 'the Debian release is not named in os-release (testing or unstable): advisories are per release', label: 'Debian' };
    return { ecosystem: 'Debian', releases: [`Debian:${major}`], label: `Debian:${major}` };
  }
  if (pkg.type === 'deb' && id === 'ubuntu') {
    const release = majorMinor(versionId);
    if (!release) return { unsupported: 'the Ubuntu release is not named in os-release', label: 'Ubuntu' };
    return { ecosystem: 'Ubuntu', releases: [`Ubuntu:${release}`, `Ubuntu:${release}:LTS`], label: `Ubuntu:${release}` };
  }
  if (pkg.type === 'apk' && id === 'alpine') {
    const release = majorMinor(versionId);
    if (!release) return { unsupported: 'the Alpine release is not named in os-release', label: 'Alpine' };
    return { ecosystem: 'Alpine', releases: [`Alpine:v${release}`], label: `Alpine:v${release}` };
  }
  if (pkg.type === 'apk' && (id === 'wolfi' || id === 'chainguard')) {
    const ecosystem = id === 'wolfi' ? 'Wolfi' : 'Chainguard';
    return { ecosystem, releases: [], label: ecosystem };
  }
  if (pkg.type === 'rpm' && (id === 'almalinux' || id === 'rocky')) {
    const major = versionId ? /^\d+/.exec(versionId)?.[0] : undefined;
    const ecosystem = id === 'almalinux' ? 'AlmaLinux' : 'Rocky Linux';
    if (!major) return { unsupported: `the ${ecosystem} release is not named in os-release`, label: ecosystem };
    return { ecosystem, releases: [`${ecosystem}:${major}`], label: `${ecosystem}:${major}` };
  }
  return { unsupported: `Rampart maps no OSV ecosystem to ${label} packages`, label };
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
      const target = osEcosystem(pkg, os);
      if ('unsupported' in target) return target;
      // Debian tracks source versions (a binNMU's +b1 is not in them); apk origins share the version; rpm names are binary
      const name = pkg.type === 'rpm' ? pkg.name : (pkg.source?.name ?? pkg.name);
      const version = pkg.type === 'deb' ? (pkg.source?.version ?? pkg.version) : pkg.type === 'rpm' && pkg.epoch && pkg.epoch !== '0' ? `${pkg.epoch}:${pkg.version}` : pkg.version;
      return { query: { ...target, name, version } };
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

/** Whether an advisory's affected entry applies to the query's release. */
export function appliesTo(query: PackageQuery, ecosystem: string): boolean {
  if (query.releases.length === 0) return ecosystem === query.ecosystem || ecosystem.startsWith(`${query.ecosystem}:`);
  // an entry naming only the distro (no release) applies to every release
  return ecosystem === query.ecosystem || query.releases.includes(ecosystem);
}
