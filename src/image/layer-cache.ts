import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { VERSION } from '../version.js';
import type { LayerRead, LayerVisitor } from './analyze.js';
import type { BlobSource } from './blob-source.js';
import type { Whiteout } from './entry-path.js';
import type { LayerDigests } from './layer-reader.js';
import type { BlobRef } from './manifest-plan.js';
import type { ImageEntry } from './squash.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** bumped whenever what a cached layer holds changes shape or meaning */
const CACHE_FORMAT = 2;

export interface CacheableVisitor extends LayerVisitor {
  saveLayer(layer: number): unknown;
  restoreLayer(layer: number, state: unknown): void;
}

export function isCacheable(visitor: LayerVisitor): visitor is CacheableVisitor {
  return typeof visitor.saveLayer === 'function' && typeof visitor.restoreLayer === 'function';
}

type StoredEntry = [path: string, type: ImageEntry['type'], mode: number, uid: number, gid: number, size: number, linkname: string];

interface StoredLayer {
  readonly digests: LayerDigests;
  readonly entries: StoredEntry[];
  readonly whiteouts: Whiteout[];
  readonly notes: string[];
  readonly visitors: unknown[];
}

/** `$XDG_CACHE_HOME/rampart`, else `~/.cache/rampart` */
export function defaultCacheDirectory(): string {
  const base = process.env['XDG_CACHE_HOME'] || path.join(homedir(), '.cache');
  return path.join(base, 'rampart');
}

/**
 * What was read from a layer, kept on disk so an unchanged layer is never read twice. The key is
 * the layer's digests plus where its bytes are: for a registry blob the digest alone (its bytes
 * were checked against it when they were cached); for a file, also its identity (device, inode,
 * size, modification and change times), so a blob edited in place is read — and checked — again.
 */
export class LayerCache {
  private readonly directory: string;

  constructor(root: string = defaultCacheDirectory()) {
    this.directory = path.join(root, 'image-layers');
  }

  async keyFor(source: BlobSource, blob: BlobRef, diffId: string | undefined, salt = ''): Promise<string | undefined> {
    const identity = await source.identity?.(blob.location).catch(() => undefined);
    if (identity === undefined) return undefined;
    return createHash('sha256').update(JSON.stringify([CACHE_FORMAT, VERSION, blob.digest ?? '', blob.size ?? -1, blob.location, diffId ?? '', identity, ...(salt ? [salt] : [])])).digest('hex');
  }

  async load(key: string): Promise<StoredLayer | undefined> {
    try {
      const stored = JSON.parse((await gunzipAsync(await readFile(this.file(key)))).toString('utf8')) as StoredLayer;
      return Array.isArray(stored.entries) && Array.isArray(stored.visitors) ? stored : undefined;
    } catch {
      return undefined; // absent, unreadable or damaged: read the layer
    }
  }

  async store(key: string, layer: StoredLayer): Promise<void> {
    const target = this.file(key);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(temporary, await gzipAsync(Buffer.from(JSON.stringify(layer)), { level: 1 }));
      await rename(temporary, target);
    } catch {
      await rm(temporary, { force: true }); // a cache that cannot be written only costs time
    }
  }

  private file(key: string): string {
    return path.join(this.directory, key.slice(0, 2), `${key}.json.gz`);
  }
}

export function saveLayer(read: LayerRead, layer: number, visitors: readonly CacheableVisitor[]): StoredLayer {
  return {
    digests: read.digests,
    entries: read.entries.map((entry) => [entry.path, entry.type, entry.mode, entry.uid, entry.gid, entry.size, entry.linkname]),
    whiteouts: [...read.whiteouts],
    // notes name the layer by index: stored without it
    notes: read.notes.map((note) => note.replace(/^layer \d+: /, '')),
    visitors: visitors.map((visitor) => visitor.saveLayer(layer)),
  };
}

export function restoreLayer(stored: StoredLayer, layer: number, visitors: readonly CacheableVisitor[]): LayerRead {
  visitors.forEach((visitor, position) => visitor.restoreLayer(layer, stored.visitors[position]));
  return {
    digests: stored.digests,
    entries: stored.entries.map(([path, type, mode, uid, gid, size, linkname]) => ({ path, type, mode, uid, gid, size, linkname, layer })),
    whiteouts: stored.whiteouts,
    notes: stored.notes.map((note) => `layer ${layer}: ${note}`),
  };
}
