import type { LayerVisitor } from '../analyze.js';
import type { SquashedTree, ImageEntry } from '../squash.js';
import { parseCargoAuditable, parseGoBuildInfo } from './binaries.js';
import { JAVA_ARCHIVE, parseJavaArchive } from './java-archives.js';
import { NPM_MANIFEST, PYTHON_METADATA, parseNpmManifest, parsePythonMetadata } from './language-packages.js';
import { parseApkInstalled, parseDpkgStatus, parseOsRelease } from './os-packages.js';
import { purlOf, type ImagePackage, type OsIdentity } from './package.js';

const MiB = 1024 * 1024;

interface Cataloger {
  readonly id: string;
  /** bytes to read of this member, 0 when it is not one this cataloger reads */
  wants(entry: ImageEntry): number;
  parse(content: Buffer, entry: ImageEntry): Array<Omit<ImagePackage, 'path' | 'layer'>>;
}

const text = (content: Buffer): string => content.toString('utf8');

/** Which files each ecosystem is read from (Syft's globs, image-analysis brief §2) and the most read of each. */
const CATALOGERS: readonly Cataloger[] = [
  {
    id: 'dpkg',
    wants: (entry) => (/(?:^|\/)var\/lib\/dpkg\/status$/.test(entry.path) || (/(?:^|\/)var\/lib\/dpkg\/status\.d\/[^/]+$/.test(entry.path) && !/\.(md5sums|list|conffiles)$/.test(entry.path)) ? 64 * MiB : 0),
    parse: (content) => parseDpkgStatus(text(content)),
  },
  { id: 'apk', wants: (entry) => (/(?:^|\/)lib\/apk\/db\/installed$/.test(entry.path) ? 64 * MiB : 0), parse: (content) => parseApkInstalled(text(content)) },
  { id: 'npm', wants: (entry) => (NPM_MANIFEST.test(entry.path) ? MiB : 0), parse: (content) => parseNpmManifest(text(content)) },
  { id: 'python', wants: (entry) => (PYTHON_METADATA.test(entry.path) ? MiB : 0), parse: (content) => parsePythonMetadata(text(content)) },
  { id: 'java', wants: (entry) => (JAVA_ARCHIVE.test(entry.path) ? 96 * MiB : 0), parse: (content, entry) => parseJavaArchive(content, entry.path) },
  {
    id: 'binary',
    // executables of any name: Go and cargo-auditable build info are inside the file, not beside it
    wants: (entry) => ((entry.mode & 0o111) !== 0 && entry.size >= 1024 ? 96 * MiB : 0),
    parse: (content) => (content.readUInt32BE(0) === 0x7f454c46 ? [...parseGoBuildInfo(content), ...parseCargoAuditable(content)] : []),
  },
];

const OS_RELEASE = /^(?:etc|usr\/lib)\/os-release$/;

export interface Inventory {
  readonly os?: OsIdentity;
  readonly packages: ReadonlyArray<ImagePackage & { readonly purl: string }>;
}

/**
 * Reads package databases and manifests while layers stream by, keeping only what was parsed;
 * `finish` keeps what the squashed view still holds (a database a later layer replaced or deleted
 * does not count).
 */
export class PackageCollector implements LayerVisitor {
  private readonly found: ImagePackage[] = [];
  private readonly osReleases: Array<{ path: string; layer: number; os: OsIdentity }> = [];

  wanted(entry: ImageEntry): number {
    if (entry.type !== 'file') return 0;
    if (OS_RELEASE.test(entry.path)) return 64 * 1024;
    let most = 0;
    for (const cataloger of CATALOGERS) most = Math.max(most, cataloger.wants(entry));
    return most;
  }

  visit(entry: ImageEntry, content: Buffer): void {
    if (OS_RELEASE.test(entry.path)) {
      const os = parseOsRelease(text(content));
      if (os) this.osReleases.push({ path: entry.path, layer: entry.layer, os });
      return;
    }
    for (const cataloger of CATALOGERS) {
      if (cataloger.wants(entry) === 0 || content.length === 0) continue;
      for (const pkg of cataloger.parse(content, entry)) this.found.push({ ...pkg, path: entry.path, layer: entry.layer });
    }
  }

  saveLayer(layer: number): unknown {
    return {
      packages: this.found.filter((pkg) => pkg.layer === layer).map(({ layer: _layer, ...pkg }) => pkg),
      osReleases: this.osReleases.filter((item) => item.layer === layer).map(({ path, os }) => ({ path, os })),
    };
  }

  restoreLayer(layer: number, state: unknown): void {
    const saved = state as { packages: Array<Omit<ImagePackage, 'layer'>>; osReleases: Array<{ path: string; os: OsIdentity }> };
    for (const pkg of saved.packages) this.found.push({ ...pkg, layer });
    for (const item of saved.osReleases) this.osReleases.push({ ...item, layer });
  }

  finish(tree: SquashedTree): Inventory {
    const visible = (path: string, layer: number): boolean => tree.get(path)?.layer === layer;
    const osEntry = this.osReleases.filter((item) => visible(item.path, item.layer)).sort((a, b) => (a.path.startsWith('etc/') ? -1 : 1) - (b.path.startsWith('etc/') ? -1 : 1))[0];
    const os = osEntry?.os;
    const seen = new Set<string>();
    const packages: Array<ImagePackage & { purl: string }> = [];
    for (const pkg of this.found) {
      if (!visible(pkg.path, pkg.layer)) continue;
      const purl = purlOf(pkg, os);
      const key = `${purl}\0${pkg.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      packages.push({ ...pkg, purl });
    }
    packages.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version) || a.path.localeCompare(b.path));
    return { ...(os ? { os } : {}), packages };
  }
}
