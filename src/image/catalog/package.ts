/** A digest a package database records for a file's contents, hex-encoded. */
export interface FileDigest {
  readonly algorithm: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  readonly value: string;
}

/**
 * A file an OS package owns, as its package database records it (rpm headers, dpkg `md5sums` and
 * `conffiles`): what the malware/tampering checks compare the image's files against.
 */
export interface PackageFile {
  /** absolute, as the database records it (`/usr/bin/ls`); the image's own paths are this without the leading `/` */
  readonly path: string;
  /** absent for directories, symlinks and rpm ghost files, which have no recorded contents */
  readonly digest?: FileDigest;
  /** st_mode including the file type bits (rpm only: dpkg records no modes) */
  readonly mode?: number;
  readonly size?: number;
  /** rpm symlink target */
  readonly linkTarget?: string;
  /** a configuration file (rpm %config, dpkg conffile): an admin may change it, so a differing digest is expected */
  readonly config?: boolean;
  /** rpm %ghost: owned but not shipped, so the image's file has no recorded contents */
  readonly ghost?: boolean;
}

/** An installed package found in an image, with where it was found. */
export interface ImagePackage {
  readonly type: 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'cargo';
  readonly name: string;
  readonly version: string;
  /** purl namespace: a maven group, a go module's host path is part of the name instead */
  readonly namespace?: string;
  readonly arch?: string;
  /** rpm epoch */
  readonly epoch?: string;
  /** the source package (deb `Source:`, apk origin, rpm source rpm): advisories are keyed by it */
  readonly source?: { readonly name: string; readonly version?: string };
  readonly licenses?: readonly string[];
  /** the source rpm's file name as the header says (`openssl-3.0.7-24.el9.src.rpm`) */
  readonly sourceRpm?: string;
  readonly vendor?: string;
  /** the files the package database says this package owns, with their recorded digests (rpm, dpkg) */
  readonly files?: readonly PackageFile[];
  /** which cataloger found it */
  readonly foundBy: string;
  /** the database or file it was read from, and the layer that wrote it */
  readonly path: string;
  readonly layer: number;
  /** the distro qualifier for OS packages, from os-release (`debian-12`) */
  readonly distro?: string;
}

export interface OsIdentity {
  readonly id: string;
  readonly versionId?: string;
  readonly prettyName?: string;
}

/** Percent-encodes a purl segment as the purl spec asks (`@` in npm scopes becomes %40). */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%3A/g, ':');
}

/** The package URL (purl spec) of a package, qualifiers sorted. */
export function purlOf(pkg: ImagePackage, os?: OsIdentity): string {
  const type = pkg.type;
  let namespace = pkg.namespace;
  let name = pkg.name;
  if (type === 'deb' || type === 'apk' || type === 'rpm') namespace = os?.id ?? (type === 'deb' ? 'debian' : type === 'apk' ? 'alpine' : 'redhat');
  if (type === 'npm' && name.startsWith('@') && name.includes('/')) {
    namespace = name.slice(0, name.indexOf('/'));
    name = name.slice(name.indexOf('/') + 1);
  }
  if (type === 'golang' && name.includes('/')) {
    namespace = name.slice(0, name.lastIndexOf('/'));
    name = name.slice(name.lastIndexOf('/') + 1);
  }
  const qualifiers: Array<[string, string]> = [];
  if (pkg.arch) qualifiers.push(['arch', pkg.arch]);
  const distro = pkg.distro ?? (os && (type === 'deb' || type === 'apk' || type === 'rpm') ? `${os.id}${os.versionId ? `-${os.versionId}` : ''}` : undefined);
  if (distro) qualifiers.push(['distro', distro]);
  if (pkg.epoch && pkg.epoch !== '0') qualifiers.push(['epoch', pkg.epoch]);
  // Syft's (and Grype's) `upstream`: the source name, with its version only when it differs from the package's
  // rpm: the source rpm's file name, as Syft writes it; advisories are keyed by the source package
  if (type === 'rpm' && pkg.sourceRpm) qualifiers.push(['upstream', pkg.sourceRpm]);
  else if (pkg.source && pkg.source.name !== pkg.name) qualifiers.push(['upstream', pkg.source.version && pkg.source.version !== pkg.version ? `${pkg.source.name}@${pkg.source.version}` : pkg.source.name]);
  // purl qualifier keys are lower-case ASCII: compared by code unit, as the purl spec sorts them
  qualifiers.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const namespacePart = namespace ? `${namespace.split('/').map(encodeSegment).join('/')}/` : '';
  const query = qualifiers.length ? `?${qualifiers.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')}` : '';
  return `pkg:${type}/${namespacePart}${encodeSegment(name)}@${encodeURIComponent(pkg.version)}${query}`;
}

/** Blank-line separated `Key: value` stanzas with continuation lines (dpkg status, PKG-INFO headers). */
export function parseStanzas(text: string): Array<Map<string, string>> {
  const stanzas: Array<Map<string, string>> = [];
  let current = new Map<string, string>();
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (current.size > 0) stanzas.push(current);
      current = new Map();
      lastKey = undefined;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (lastKey) current.set(lastKey, `${current.get(lastKey) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim();
    current.set(lastKey, line.slice(colon + 1).trim());
  }
  if (current.size > 0) stanzas.push(current);
  return stanzas;
}
