import { createHash } from 'node:crypto';
import type { LayerVisitor } from '../analyze.js';
import { FileBody } from '../file-body.js';
import type { ImageEntry } from '../squash.js';

/** Files larger than this are not hashed (counted; their package digests are not compared). */
export const DIGEST_MAX_BYTES = 256 * 1024 * 1024;

/** where no package database puts files: never hashed */
const NOT_PACKAGED = /^(?:var\/|home\/|root\/|tmp\/|run\/|proc\/|sys\/|dev\/|usr\/share\/(?:doc|man|info|locale)\/)/;

/**
 * where dpkg and apk never install (Debian policy, FHS: site and add-on software) but a vendor's rpm
 * may: only SHA-256 (rpm's file digest since 4.6), which spares most of the hashing of an image's application files
 */
const THIRD_PARTY = /^(?:srv|app|opt|usr\/local)\//;

/** package databases, by what keeps them: which digests of a file each records */
const DATABASE = /^(?:var\/lib\/dpkg\/status(?:\.d\/|$)|lib\/apk\/db\/installed$)|^(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/(?:Packages|Packages\.db|rpmdb\.sqlite)$/;

type Database = 'dpkg' | 'apk' | 'rpm';
type Algorithm = 'md5' | 'sha1' | 'sha256';

/** what each database records of a file: dpkg `md5sums` and `Conffiles`, apk `Z:` (SHA-1), rpm its header's algorithm (MD5 before 4.6, else mostly SHA-256) */
const RECORDED: Readonly<Record<Database, readonly Algorithm[]>> = { dpkg: ['md5'], apk: ['sha1'], rpm: ['md5', 'sha1', 'sha256'] };
const ALL: ReadonlySet<Algorithm> = new Set(['md5', 'sha1', 'sha256']);

function databaseOf(path: string): Database {
  if (path.startsWith('lib/apk/')) return 'apk';
  return path.startsWith('var/lib/dpkg/') ? 'dpkg' : 'rpm';
}

export interface FileDigests {
  readonly md5?: string;
  readonly sha1?: string;
  readonly sha256?: string;
}

/**
 * Hashes the regular files of every layer where packages put them, with the algorithms the image's
 * package databases record (MD5 for dpkg, SHA-1 for apk, all three for rpm), so the tampering checks
 * can compare each with its database's digest. A layer above a known system is hashed for the
 * databases of the layers below it; a layer with no database below (the one that installs the
 * system, whose database comes after its files) for all of them. A layer that turns out to add a
 * database of another kind is read again for its digests (`readAgain`), and a layer restored from
 * the cache with fewer digests than this image needs is read instead (`restorable`): a layer shared
 * by a dpkg and an apk image has the digests each needs. Files where only an rpm package may put
 * them (THIRD_PARTY) are not hashed above a dpkg or apk system without an rpm database: nothing
 * there can list them (most of an application image's bytes). What this does not see: a database
 * of another kind in a higher layer that lists files a lower layer put there.
 */
export class FileDigestCollector implements LayerVisitor {
  /** by layer, by path; a restored layer's map may be shared with other collectors (never changed) */
  private readonly digests = new Map<number, ReadonlyMap<string, FileDigests>>();
  private readonly skippedByLayer = new Map<number, number>();
  /** the package databases each layer holds (read or restored); a layer missing here is not known */
  private readonly databases = new Map<number, Set<Database>>();
  /** the algorithms each layer's files (but THIRD_PARTY ones) were hashed with, read or restored */
  private readonly algorithms = new Map<number, ReadonlySet<Algorithm>>();
  /** algorithms a layer is to be read with besides what the layers below need: a cached layer's, all of them when it is read again */
  private readonly alsoWith = new Map<number, ReadonlySet<Algorithm>>();
  /** the algorithms of the layer being read, as a list */
  private current: readonly Algorithm[] = [...ALL];

  beginLayer(layer: number): void {
    this.databases.set(layer, new Set());
    this.digests.delete(layer);
    this.skippedByLayer.delete(layer);
    const needed = new Set([...this.neededBelow(layer), ...this.alsoWith.get(layer) ?? []]);
    this.alsoWith.delete(layer);
    this.algorithms.set(layer, needed);
    this.current = [...needed];
  }

  /** the algorithms the databases of the layers below `layer` record; all of them when there is none or one is not known */
  private neededBelow(layer: number): ReadonlySet<Algorithm> {
    const needed = new Set<Algorithm>();
    for (let below = 0; below < layer; below += 1) {
      const held = this.databases.get(below);
      if (!held) return ALL;
      for (const database of held) for (const algorithm of RECORDED[database]) needed.add(algorithm);
    }
    return needed.size > 0 ? needed : ALL;
  }

  /** whether a layer below `layer` holds a dpkg or apk database and none holds an rpm database (all of them known) */
  private withoutRpm(layer: number): boolean {
    let system = false;
    for (let below = 0; below < layer; below += 1) {
      const held = this.databases.get(below);
      if (!held || held.has('rpm')) return false;
      if (held.size > 0) system = true;
    }
    return system && !this.databases.get(layer)?.has('rpm');
  }

  /** a layer just read holds a database whose digests its files were not hashed with: read it again with all of them */
  readAgain(layer: number): boolean {
    const hashed = this.algorithms.get(layer) ?? ALL;
    const missing = [...this.databases.get(layer) ?? []].some((database) => RECORDED[database].some((algorithm) => !hashed.has(algorithm)));
    if (missing) this.alsoWith.set(layer, ALL);
    return missing;
  }

  /** whether a cached layer has every digest this image needs of it (else it is read, with those digests too) */
  restorable(layer: number, state: unknown): boolean {
    const saved = savedAlgorithms(state);
    const needed = this.neededBelow(layer);
    if ([...needed].every((algorithm) => saved.has(algorithm))) return true;
    this.alsoWith.set(layer, saved);
    return false;
  }

  wanted(entry: ImageEntry): number {
    if (DATABASE.test(entry.path)) {
      let held = this.databases.get(entry.layer);
      if (!held) this.databases.set(entry.layer, (held = new Set()));
      held.add(databaseOf(entry.path));
    }
    if (entry.type !== 'file' || NOT_PACKAGED.test(entry.path)) return 0;
    if (THIRD_PARTY.test(entry.path) && this.withoutRpm(entry.layer)) return 0;
    if (entry.size > DIGEST_MAX_BYTES) {
      this.skippedByLayer.set(entry.layer, (this.skippedByLayer.get(entry.layer) ?? 0) + 1);
      return 0;
    }
    return DIGEST_MAX_BYTES;
  }

  visit(entry: ImageEntry, content: Buffer): void {
    this.visitBody(entry, FileBody.of(content));
  }

  /** hashed slice by slice as the file arrived: no file is joined into one buffer to be hashed */
  visitBody(entry: ImageEntry, body: FileBody): void {
    let layer = this.digests.get(entry.layer) as Map<string, FileDigests> | undefined;
    if (!layer) this.digests.set(entry.layer, (layer = new Map()));
    if (THIRD_PARTY.test(entry.path)) {
      layer.set(entry.path, { sha256: body.sha256() });
      return;
    }
    const digests: { md5?: string; sha1?: string; sha256?: string } = {};
    for (const algorithm of this.current) digests[algorithm] = algorithm === 'sha256' ? body.sha256() : digestOf(algorithm, body);
    layer.set(entry.path, digests);
  }

  /** the digests of `path` as layer `layer` holds it, when it was hashed */
  get(layer: number, path: string): FileDigests | undefined {
    return this.digests.get(layer)?.get(path);
  }

  get skipped(): number {
    let total = 0;
    for (const count of this.skippedByLayer.values()) total += count;
    return total;
  }

  saveLayer(layer: number): unknown {
    const files: Array<[string, string, string, string]> = [];
    for (const [name, digest] of this.digests.get(layer) ?? []) files.push([name, digest.md5 ?? '', digest.sha1 ?? '', digest.sha256 ?? '']);
    return { files, skipped: this.skippedByLayer.get(layer) ?? 0, databases: [...this.databases.get(layer) ?? []], algorithms: [...this.algorithms.get(layer) ?? ALL] };
  }

  restoreLayer(layer: number, state: unknown): void {
    const saved = state as { files: Array<[string, string, string, string]>; skipped: number; databases?: string[] };
    this.digests.set(layer, restoredDigests(saved.files));
    if (saved.skipped > 0) this.skippedByLayer.set(layer, saved.skipped);
    // written before dpkg and apk were told apart: either
    if (saved.databases) this.databases.set(layer, new Set(saved.databases.flatMap((database): Database[] => (database === 'dpkg-or-apk' ? ['dpkg', 'apk'] : [database as Database]))));
    this.algorithms.set(layer, savedAlgorithms(state));
  }
}

/** the algorithms a saved layer's files were hashed with (all of them before the choice was made) */
function savedAlgorithms(state: unknown): ReadonlySet<Algorithm> {
  const saved = (state as { algorithms?: Algorithm[] } | undefined)?.algorithms;
  return saved ? new Set(saved) : ALL;
}

/** the digests of a saved layer by path: built once per saved list (a run's layer memory hands every image the same frozen one) */
const restored = new WeakMap<object, ReadonlyMap<string, FileDigests>>();

function restoredDigests(files: ReadonlyArray<readonly [string, string, string, string]>): ReadonlyMap<string, FileDigests> {
  let digests = restored.get(files);
  if (!digests) {
    const built = new Map<string, FileDigests>();
    for (const [path, md5, sha1, sha256] of files) built.set(path, { ...(md5 ? { md5 } : {}), ...(sha1 ? { sha1 } : {}), ...(sha256 ? { sha256 } : {}) });
    restored.set(files, (digests = built));
  }
  return digests;
}

function digestOf(algorithm: string, body: FileBody): string {
  const hash = createHash(algorithm);
  for (const part of body.parts) hash.update(part);
  return hash.digest('hex');
}
