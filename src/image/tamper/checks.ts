import type { ImagePackage, PackageFile } from '../catalog/package.js';
import type { InspectedImage } from '../inspect-image.js';
import type { ImageEntry, SquashedTree } from '../squash.js';
import type { FileDigestCollector, FileDigests } from './file-digests.js';
import type { ExecutableProbe } from './probes.js';
import { entryResolver } from './resolve-path.js';

/** A package file whose content in the image is not what its package database recorded. */
export interface TamperedFile {
  readonly path: string;
  readonly layer: number;
  readonly pkg: ImagePackage;
  readonly file: PackageFile;
  readonly actual: string;
}

export interface UnownedFile {
  readonly path: string;
  readonly layer: number;
  readonly mode: number;
}

export interface TamperReport {
  readonly tampered: TamperedFile[];
  readonly unownedExecutables: UnownedFile[];
  readonly unownedSetuid: Array<UnownedFile & { readonly recordedMode?: number; readonly pkg?: ImagePackage }>;
  readonly packed: Array<{ path: string; layer: number; packer: string; deleted: boolean }>;
  readonly minimalImageTools: UnownedFile[];
  /** whether the image has an OS package database that lists files (dpkg lists/md5sums, apk, rpm) */
  readonly hasFileLists: boolean;
}

/** executables here belong to the distribution: one that no package owns was put there by hand */
const SYSTEM_EXECUTABLE_DIRECTORY = /^(?:usr\/)?(?:s?bin|libexec|lib(?:32|64|x32)?)\//;
/** what the image's own package database is managed with */
const PACKAGE_MANAGERS = ['usr/bin/dpkg', 'usr/bin/apt', 'usr/bin/apt-get', 'sbin/apk', 'usr/bin/rpm', 'usr/bin/yum', 'usr/bin/dnf', 'usr/bin/microdnf', 'usr/bin/tdnf', 'usr/bin/zypper', 'usr/bin/pacman'];
/** shells and network tools that give an intruder a foothold in an image built without them */
const FOOTHOLD_TOOLS = ['bin/sh', 'bin/bash', 'bin/ash', 'bin/dash', 'bin/zsh', 'bin/busybox', 'usr/bin/curl', 'usr/bin/wget', 'bin/nc', 'usr/bin/nc', 'usr/bin/ncat', 'usr/bin/netcat', 'usr/bin/socat', 'usr/bin/telnet'];

function digestOf(digests: FileDigests, algorithm: string): string | undefined {
  if (algorithm === 'md5') return digests.md5;
  if (algorithm === 'sha1') return digests.sha1;
  if (algorithm === 'sha256') return digests.sha256;
  return undefined; // sha224/384/512 rpm digests are not computed
}

/** the digests of the content at `entry`: a hard link's are its target's in the same layer */
function contentDigests(collector: FileDigestCollector, entry: ImageEntry): FileDigests | undefined {
  if (entry.type === 'file') return collector.get(entry.layer, entry.path);
  if (entry.type === 'hardlink' && entry.linkname) return collector.get(entry.layer, entry.linkname.replace(/^\.?\/+/, ''));
  return undefined;
}

/** Compares the image with its package databases: changed package files, unowned executables, setuid, packers, shells. */
export function checkTampering(image: InspectedImage, digests: FileDigestCollector, probe: ExecutableProbe): TamperReport {
  const { tree } = image;
  const osPackages = image.inventory.packages.filter((pkg) => pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm');
  const diverted = new Set(probe.diversions.filter((item) => tree.get(item.path)?.layer === item.layer).flatMap((item) => item.diverted.map((file) => file.replace(/^\/+/, ''))));
  const members = tree.entries();
  const resolveEntry = entryResolver(tree, new Map(members.map((entry) => [entry.path, entry])));
  const { owned, tampered } = packageFileChecks(osPackages, resolveEntry, digests, diverted);
  // language packages own their manifest's directory tree and, for binaries (Go, Rust), the binary itself
  const languageOwned = new Set(image.inventory.packages.filter((pkg) => !osPackages.includes(pkg)).map((pkg) => pkg.path));
  const hasFileLists = osPackages.some((pkg) => (pkg.files?.length ?? 0) > 0);
  const { unownedExecutables, unownedSetuid } = unownedFiles(members, owned, hasFileLists, languageOwned);
  const packed = probe.packed.map((item) => ({ ...item, deleted: tree.get(item.path)?.layer !== item.layer }));
  return { tampered, unownedExecutables, unownedSetuid, packed, minimalImageTools: minimalImageTools(tree), hasFileLists };
}

type Ownership = Map<string, { pkg: ImagePackage; file: PackageFile }>;

/**
 * Who owns each package file's path, and the files whose content differs from the database's
 * digest. The loops are functions of their own: each image's objects differ a little in shape, and
 * recompiling a small function after a deoptimization costs the JIT far less than the whole check.
 */
function packageFileChecks(osPackages: readonly ImagePackage[], resolveEntry: (file: string) => ImageEntry | undefined, digests: FileDigestCollector, diverted: ReadonlySet<string>): { owned: Ownership; tampered: TamperedFile[] } {
  const owned: Ownership = new Map();
  const tampered: TamperedFile[] = [];
  for (const pkg of osPackages) {
    for (const file of pkg.files ?? []) {
      const relative = file.path.replace(/^\/+/, '');
      const entry = resolveEntry(relative);
      owned.set(entry?.path ?? relative, { pkg, file });
      owned.set(relative, { pkg, file });
      if (!file.digest || file.ghost || !entry || diverted.has(relative)) continue;
      const content = contentDigests(digests, entry);
      const actual = content && digestOf(content, file.digest.algorithm);
      if (actual && actual !== file.digest.value.toLowerCase()) tampered.push({ path: entry.path, layer: entry.layer, pkg, file, actual });
    }
  }
  return { owned, tampered };
}

/** setuid/setgid files no package lists as such, and executables in system directories nothing owns */
function unownedFiles(members: readonly ImageEntry[], owned: Ownership, hasFileLists: boolean, languageOwned: ReadonlySet<string>): Pick<TamperReport, 'unownedExecutables' | 'unownedSetuid'> {
  const unownedExecutables: UnownedFile[] = [];
  const unownedSetuid: TamperReport['unownedSetuid'] = [];
  for (const entry of members) {
    if (entry.type !== 'file') continue;
    const ownedBy = owned.get(entry.path);
    if ((entry.mode & 0o6000) !== 0) {
      const recorded = ownedBy?.file.mode;
      if (!ownedBy) unownedSetuid.push({ path: entry.path, layer: entry.layer, mode: entry.mode });
      else if (recorded !== undefined && (recorded & 0o6000) !== (entry.mode & 0o6000)) unownedSetuid.push({ path: entry.path, layer: entry.layer, mode: entry.mode, recordedMode: recorded, pkg: ownedBy.pkg });
    }
    if (hasFileLists && !ownedBy && (entry.mode & 0o111) !== 0 && SYSTEM_EXECUTABLE_DIRECTORY.test(entry.path) && !languageOwned.has(entry.path)) {
      unownedExecutables.push({ path: entry.path, layer: entry.layer, mode: entry.mode });
    }
  }
  return { unownedExecutables, unownedSetuid };
}

/**
 * Shells and network tools in an image without a package manager (distroless, scratch-based):
 * such images are built without them on purpose, so one that is there was added — or is an
 * attacker's foothold. Images with a package manager ship a shell by design and are left alone.
 */
function minimalImageTools(tree: SquashedTree): UnownedFile[] {
  const resolveEntry = entryResolver(tree);
  if (PACKAGE_MANAGERS.some((manager) => resolveEntry(manager))) return [];
  const found: UnownedFile[] = [];
  const seen = new Set<string>();
  for (const tool of FOOTHOLD_TOOLS) {
    const entry = resolveEntry(tool);
    if (!entry || entry.type === 'directory' || seen.has(entry.path)) continue;
    seen.add(entry.path);
    found.push({ path: entry.path, layer: entry.layer, mode: entry.mode });
  }
  return found;
}
