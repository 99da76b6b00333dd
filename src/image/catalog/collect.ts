import type { LayerVisitor } from '../analyze.js';
import type { SquashedTree, ImageEntry } from '../squash.js';
import { parseCargoAuditable, parseGoBuildInfo } from './binaries.js';
import { JAVA_ARCHIVE, parseJavaArchive } from './java-archives.js';
import { NPM_MANIFEST, PYTHON_METADATA, parseNpmManifest, parsePythonMetadata } from './language-packages.js';
import { parseApkInstalled, parseDpkgMd5sums, parseDpkgStatus, parseOsRelease } from './os-packages.js';
import { purlOf, type ImagePackage, type OsIdentity, type PackageFile } from './package.js';
import { RpmDbError } from './rpm-header.js';
import { parseRpmDatabase, RPM_DATABASE } from './rpmdb.js';

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
  // a database not read whole cannot be parsed: the cap is far past real ones (a full RHEL install is ~100 MiB)
  { id: 'rpm', wants: (entry) => (RPM_DATABASE.test(entry.path) ? 512 * MiB : 0), parse: (content) => parseRpmDatabase(content) },
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
/** dpkg's per-package file digests: `info/zstd.md5sums`, `info/libc6:amd64.md5sums`, distroless `status.d/libc6.md5sums` */
const DPKG_MD5SUMS = /^var\/lib\/dpkg\/(?:info|status\.d)\/([^/]+)\.md5sums$/;

interface Md5sums {
  readonly path: string;
  readonly layer: number;
  /** `zstd` or `libc6:amd64` */
  readonly owner: string;
  readonly files: PackageFile[];
}

export interface Inventory {
  readonly os?: OsIdentity;
  readonly packages: ReadonlyArray<ImagePackage & { readonly purl: string }>;
  /** package databases that could not be read (damaged, truncated, hostile), naming the file */
  readonly problems: ReadonlyArray<{ readonly path: string; readonly layer: number; readonly message: string }>;
}

/**
 * Reads package databases and manifests while layers stream by, keeping only what was parsed;
 * `finish` keeps what the squashed view still holds (a database a later layer replaced or deleted
 * does not count).
 */
export class PackageCollector implements LayerVisitor {
  private readonly found: ImagePackage[] = [];
  private readonly osReleases: Array<{ path: string; layer: number; os: OsIdentity }> = [];
  private readonly problems: Array<{ path: string; layer: number; message: string }> = [];
  private readonly md5sums: Md5sums[] = [];

  wanted(entry: ImageEntry): number {
    if (entry.type !== 'file') return 0;
    if (OS_RELEASE.test(entry.path)) return 64 * 1024;
    if (DPKG_MD5SUMS.test(entry.path)) return 16 * MiB;
    let most = 0;
    for (const cataloger of CATALOGERS) most = Math.max(most, cataloger.wants(entry));
    return most;
  }

  visit(entry: ImageEntry, content: Buffer, truncated = false): void {
    if (OS_RELEASE.test(entry.path)) {
      const os = parseOsRelease(text(content));
      if (os) this.osReleases.push({ path: entry.path, layer: entry.layer, os });
      return;
    }
    const md5sums = DPKG_MD5SUMS.exec(entry.path);
    if (md5sums) {
      this.md5sums.push({ path: entry.path, layer: entry.layer, owner: md5sums[1]!, files: parseDpkgMd5sums(text(content)) });
      return;
    }
    for (const cataloger of CATALOGERS) {
      if (cataloger.wants(entry) === 0 || content.length === 0) continue;
      let parsed: ReturnType<Cataloger['parse']>;
      try {
        if (truncated && cataloger.id === 'rpm') throw new RpmDbError(`over ${cataloger.wants(entry) / MiB} MiB, not read`);
        parsed = cataloger.parse(content, entry);
      } catch (error) {
        if (!(error instanceof RpmDbError)) throw error;
        this.problems.push({ path: entry.path, layer: entry.layer, message: `${cataloger.id} database ${entry.path}: ${error.message}` });
        continue;
      }
      for (const pkg of parsed) this.found.push({ ...pkg, path: entry.path, layer: entry.layer });
    }
  }

  saveLayer(layer: number): unknown {
    return {
      packages: this.found.filter((pkg) => pkg.layer === layer).map(({ layer: _layer, ...pkg }) => pkg),
      osReleases: this.osReleases.filter((item) => item.layer === layer).map(({ path, os }) => ({ path, os })),
      problems: this.problems.filter((item) => item.layer === layer).map(({ path, message }) => ({ path, message })),
      md5sums: this.md5sums.filter((item) => item.layer === layer).map(({ layer: _layer, ...item }) => item),
    };
  }

  restoreLayer(layer: number, state: unknown): void {
    const saved = state as { packages: Array<Omit<ImagePackage, 'layer'>>; osReleases: Array<{ path: string; os: OsIdentity }>; problems?: Array<{ path: string; message: string }>; md5sums?: Array<Omit<Md5sums, 'layer'>> };
    for (const pkg of saved.packages) this.found.push({ ...pkg, layer });
    for (const item of saved.osReleases) this.osReleases.push({ ...item, layer });
    for (const item of saved.problems ?? []) this.problems.push({ ...item, layer });
    for (const item of saved.md5sums ?? []) this.md5sums.push({ ...item, layer });
  }

  finish(tree: SquashedTree): Inventory {
    const visible = (path: string, layer: number): boolean => tree.get(path)?.layer === layer;
    const osEntry = this.osReleases.filter((item) => visible(item.path, item.layer)).sort((a, b) => (a.path.startsWith('etc/') ? -1 : 1) - (b.path.startsWith('etc/') ? -1 : 1))[0];
    const os = osEntry?.os;
    const seen = new Set<string>();
    const digests = new Map(this.md5sums.filter((item) => visible(item.path, item.layer)).map((item) => [item.owner, item.files]));
    const packages: Array<ImagePackage & { purl: string }> = [];
    for (const pkg of this.found) {
      if (!visible(pkg.path, pkg.layer)) continue;
      const purl = purlOf(pkg, os);
      const key = `${purl}\0${pkg.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const files = pkg.type === 'deb' ? dpkgFiles(pkg, digests) : pkg.files;
      packages.push({ ...pkg, ...(files ? { files } : {}), purl });
    }
    // one collator for the whole sort: the order localeCompare gives, without setting one up per call
    const { compare } = new Intl.Collator();
    packages.sort((a, b) => compare(a.type, b.type) || compare(a.name, b.name) || compare(a.version, b.version) || compare(a.path, b.path));
    const problems = this.problems.filter((item) => visible(item.path, item.layer));
    return { ...(os ? { os } : {}), packages, problems };
  }
}

/** A dpkg package's files: its md5sums (`name:arch` for Multi-Arch: same packages, else `name`) and its conffiles. */
function dpkgFiles(pkg: ImagePackage, digests: ReadonlyMap<string, PackageFile[]>): readonly PackageFile[] | undefined {
  const listed = digests.get(`${pkg.name}:${pkg.arch ?? ''}`) ?? digests.get(pkg.name);
  if (!listed) return pkg.files;
  const conffiles = new Map((pkg.files ?? []).map((file) => [file.path, file]));
  const files = listed.map((file) => conffiles.get(file.path) ?? file);
  const inList = new Set(listed.map((file) => file.path));
  for (const file of conffiles.values()) if (!inList.has(file.path)) files.push(file);
  return files;
}
