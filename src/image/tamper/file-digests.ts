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

/** package databases, by what keeps them: whether an image's lower layers are a dpkg or apk system, and whether rpm is there too */
const DATABASE = /^(?:var\/lib\/dpkg\/status(?:\.d\/|$)|lib\/apk\/db\/installed$)|^(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/(?:Packages|Packages\.db|rpmdb\.sqlite)$/;

type Database = 'dpkg-or-apk' | 'rpm';

export interface FileDigests {
  /** absent where no dpkg or apk package puts files (THIRD_PARTY) */
  readonly md5?: string;
  readonly sha1?: string;
  readonly sha256: string;
}

/**
 * Hashes the regular files of every layer where packages put them (MD5 for dpkg, SHA-1 for apk,
 * SHA-256 and others for rpm), so the tampering checks can compare each with its package
 * database's digest whichever database the image turns out to have. Files where only an rpm
 * package may put them (THIRD_PARTY) are not hashed in a layer whose lower layers are a dpkg or
 * apk system without an rpm database: nothing there can list them (most of an application image's
 * bytes). In the layer that installs the system they still are: its database comes after them.
 */
export class FileDigestCollector implements LayerVisitor {
  /** by layer, by path; a restored layer's map may be shared with other collectors (never changed) */
  private readonly digests = new Map<number, ReadonlyMap<string, FileDigests>>();
  private readonly skippedByLayer = new Map<number, number>();
  /** the package databases each layer holds (read or restored); a layer missing here is not known */
  private readonly databases = new Map<number, Set<Database>>();

  beginLayer(layer: number): void {
    this.databases.set(layer, new Set());
  }

  /** whether a layer below `layer` holds a dpkg or apk database and none holds an rpm database (all of them known) */
  private withoutRpm(layer: number): boolean {
    let system = false;
    for (let below = 0; below < layer; below += 1) {
      const held = this.databases.get(below);
      if (!held || held.has('rpm')) return false;
      if (held.has('dpkg-or-apk')) system = true;
    }
    return system && !this.databases.get(layer)?.has('rpm');
  }

  wanted(entry: ImageEntry): number {
    const database = DATABASE.exec(entry.path);
    if (database) {
      let held = this.databases.get(entry.layer);
      if (!held) this.databases.set(entry.layer, (held = new Set()));
      held.add(entry.path.includes('rpm') ? 'rpm' : 'dpkg-or-apk');
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
    const sha256 = body.sha256();
    let layer = this.digests.get(entry.layer) as Map<string, FileDigests> | undefined;
    if (!layer) this.digests.set(entry.layer, (layer = new Map()));
    layer.set(entry.path, THIRD_PARTY.test(entry.path) ? { sha256 } : {
      md5: digestOf('md5', body),
      sha1: digestOf('sha1', body),
      sha256,
    });
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
    for (const [name, digest] of this.digests.get(layer) ?? []) files.push([name, digest.md5 ?? '', digest.sha1 ?? '', digest.sha256]);
    return { files, skipped: this.skippedByLayer.get(layer) ?? 0, databases: [...this.databases.get(layer) ?? []] };
  }

  restoreLayer(layer: number, state: unknown): void {
    const saved = state as { files: Array<[string, string, string, string]>; skipped: number; databases?: Database[] };
    this.digests.set(layer, restoredDigests(saved.files));
    if (saved.skipped > 0) this.skippedByLayer.set(layer, saved.skipped);
    if (saved.databases) this.databases.set(layer, new Set(saved.databases));
  }
}

/** the digests of a saved layer by path: built once per saved list (a run's layer memory hands every image the same frozen one) */
const restored = new WeakMap<object, ReadonlyMap<string, FileDigests>>();

function restoredDigests(files: ReadonlyArray<readonly [string, string, string, string]>): ReadonlyMap<string, FileDigests> {
  let digests = restored.get(files);
  if (!digests) {
    const built = new Map<string, FileDigests>();
    for (const [path, md5, sha1, sha256] of files) built.set(path, { ...(md5 ? { md5 } : {}), ...(sha1 ? { sha1 } : {}), sha256 });
    restored.set(files, (digests = built));
  }
  return digests;
}

function digestOf(algorithm: string, body: FileBody): string {
  const hash = createHash(algorithm);
  for (const part of body.parts) hash.update(part);
  return hash.digest('hex');
}
