import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
import type { ImageEntry, SquashedSnapshot } from './squash.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** lower-layer trees a run keeps (the oldest is let go) */
const MAX_TREES = 64;

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
 * Layers one run has read or loaded, as their JSON: `scan --analyze-images` shares one across its
 * images, so the base layer many images share is read once, with the cache on disk or without it
 * (`--no-cache`). A layer used again is parsed once more and then handed out deeply frozen (no reader
 * can change what another sees), for the first `maxParsedChars` of JSON; past that, parsed anew for
 * each use. Its first use, loaded from the disk cache, gets a copy of its own, not frozen: most layers
 * of a run are used once, and freezing one of a few thousand packages costs more than parsing it.
 * Kept per run, not per process: a library caller or a long-lived process asks for a fresh read with
 * a fresh memory.
 */
export class LayerMemory {
  private readonly layers = new Map<string, string>();
  private readonly parsed = new Map<string, StoredLayer>();
  private chars = 0;
  private parsedChars = 0;
  /** squashed trees of lower layers, by their layers' keys: they share what they hold, so each costs only what its top layer changed */
  private readonly trees = new Map<string, SquashedSnapshot>();

  constructor(private readonly maxChars = 32 * 1024 * 1024, private readonly maxParsedChars = 8 * 1024 * 1024) {}

  get(key: string): string | undefined {
    return this.layers.get(key);
  }

  /** the layer stored under `key`, frozen, parsed once while it fits the budget */
  layer(key: string): StoredLayer | undefined {
    const known = this.parsed.get(key);
    if (known) return known;
    const text = this.layers.get(key);
    if (text === undefined) return undefined;
    const frozen = deepFreeze(JSON.parse(text) as StoredLayer);
    if (this.parsedChars + text.length <= this.maxParsedChars) {
      this.parsed.set(key, frozen);
      this.parsedChars += text.length;
    }
    return frozen;
  }

  squashed(prefix: string): SquashedSnapshot | undefined {
    return this.trees.get(prefix);
  }

  rememberSquashed(prefix: string, snapshot: SquashedSnapshot): void {
    this.trees.set(prefix, snapshot);
    for (const oldest of this.trees.keys()) {
      if (this.trees.size <= MAX_TREES) break;
      this.trees.delete(oldest);
    }
  }

  /** keeps `text` under `key`, in place of what was there (a layer read again because a reader needed more of it) */
  remember(key: string, text: string): void {
    if (text.length > this.maxChars / 4) return;
    const known = this.layers.get(key);
    if (known === text) return;
    if (known !== undefined) {
      this.layers.delete(key);
      this.chars -= known.length;
      if (this.parsed.delete(key)) this.parsedChars -= known.length;
    }
    this.layers.set(key, text);
    this.chars += text.length;
    for (const [oldest, kept] of this.layers) {
      if (this.chars <= this.maxChars) break;
      this.layers.delete(oldest);
      this.chars -= kept.length;
      if (this.parsed.delete(oldest)) this.parsedChars -= kept.length;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * What was read from a layer, kept on disk so an unchanged layer is never read twice. The key is
 * the layer's digests plus where its bytes are: for a registry blob the digest alone (its bytes
 * were checked against it when they were cached); for a file, also its identity (device, inode,
 * size, modification and change times), so a blob edited in place is read — and checked — again.
 */
export class LayerCache {
  /** undefined: nothing on disk (`--no-cache`), only what this process has read */
  private readonly directory: string | undefined;

  constructor(root: string | false = defaultCacheDirectory(), private readonly memory = new LayerMemory()) {
    this.directory = root === false ? undefined : path.join(root, 'image-layers');
  }

  async keyFor(source: BlobSource, blob: BlobRef, diffId: string | undefined, salt = ''): Promise<string | undefined> {
    const identity = await source.identity?.(blob.location).catch(() => undefined);
    if (identity === undefined) return undefined;
    return createHash('sha256').update(JSON.stringify([CACHE_FORMAT, VERSION, blob.digest ?? '', blob.size ?? -1, blob.location, diffId ?? '', identity, ...(salt ? [salt] : [])])).digest('hex');
  }

  /** whether `key` is in this run's memory or on disk (not whether it is still readable) */
  async has(key: string): Promise<boolean> {
    if (this.memory.get(key) !== undefined) return true;
    if (!this.directory) return false;
    return access(this.file(this.directory, key)).then(() => true, () => false);
  }

  /** the layer stored under `key`: frozen when this run has used it before, else a copy of the caller's own; readers restore from it and never change it */
  async load(key: string): Promise<StoredLayer | undefined> {
    const known = this.memory.layer(key);
    if (known !== undefined) return known;
    if (!this.directory) return undefined;
    try {
      const text = (await gunzipAsync(await readFile(this.file(this.directory, key)))).toString('utf8');
      const stored = JSON.parse(text) as StoredLayer;
      if (!Array.isArray(stored.entries) || !Array.isArray(stored.visitors)) return undefined;
      this.memory.remember(key, text);
      return stored;
    } catch {
      return undefined; // absent, unreadable or damaged: read the layer
    }
  }

  /** the squashed tree of the layers whose keys `prefix` joins, when an image of this run made it */
  squashed(prefix: string): SquashedSnapshot | undefined {
    return this.memory.squashed(prefix);
  }

  rememberSquashed(prefix: string, snapshot: SquashedSnapshot): void {
    this.memory.rememberSquashed(prefix, snapshot);
  }

  async store(key: string, layer: StoredLayer): Promise<void> {
    await this.storeText(key, JSON.stringify(layer));
  }

  /** the key of what was found in an image config (by the digest its bytes hash to) */
  configKey(configDigest: string): string {
    return createHash('sha256').update(JSON.stringify([CACHE_FORMAT, VERSION, 'config', configDigest])).digest('hex');
  }

  /** what was found in an image config, as stored by storeConfig; undefined when not known */
  async loadConfig(key: string): Promise<unknown> {
    const known = this.memory.get(key);
    if (known !== undefined) return JSON.parse(known) as unknown;
    if (!this.directory) return undefined;
    try {
      const text = (await gunzipAsync(await readFile(this.file(this.directory, key)))).toString('utf8');
      this.memory.remember(key, text);
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }

  async storeConfig(key: string, found: unknown): Promise<void> {
    await this.storeText(key, JSON.stringify(found));
  }

  private async storeText(key: string, text: string): Promise<void> {
    this.memory.remember(key, text);
    if (!this.directory) return;
    const target = this.file(this.directory, key);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(temporary, await gzipAsync(Buffer.from(text), { level: 1 }));
      await rename(temporary, target);
    } catch {
      await rm(temporary, { force: true }); // a cache that cannot be written only costs time
    }
  }

  private file(directory: string, key: string): string {
    return path.join(directory, key.slice(0, 2), `${key}.json.gz`);
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

/** the members of a stored layer as layer `layer` of an image, made once per stored layer and index (they are never changed) */
const restoredEntries = new WeakMap<StoredLayer, Map<number, readonly ImageEntry[]>>();

export function restoreLayer(stored: StoredLayer, layer: number, visitors: readonly CacheableVisitor[]): LayerRead {
  visitors.forEach((visitor, position) => visitor.restoreLayer(layer, stored.visitors[position]));
  let byIndex = restoredEntries.get(stored);
  if (!byIndex) restoredEntries.set(stored, (byIndex = new Map()));
  let entries = byIndex.get(layer);
  if (!entries) byIndex.set(layer, (entries = stored.entries.map(([path, type, mode, uid, gid, size, linkname]) => Object.freeze({ path, type, mode, uid, gid, size, linkname, layer }))));
  return {
    digests: stored.digests,
    entries,
    whiteouts: stored.whiteouts,
    notes: stored.notes.map((note) => `layer ${layer}: ${note}`),
  };
}
