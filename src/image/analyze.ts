import { append } from '../append.js';
import { readSmallBlob } from './blob-source.js';
import type { FileBody } from './file-body.js';
import type { Whiteout } from './entry-path.js';
import { parseImageConfig, type ImageConfig } from './image-config.js';
import type { IntegrityProblem } from './integrity.js';
import { ExpansionAccount, type LayerLimits } from './layer-limits.js';
import type { BlobRef } from './manifest-plan.js';
import { CONFIG_LIMIT, parseJson, sha256, type ManifestPlan } from './manifest-plan.js';
import type { OpenedImage } from './open-image.js';
import { SquashedTree, type ImageEntry } from './squash.js';
import { isCacheable, restoreLayer, saveLayer, type CacheableVisitor, type LayerCache } from './layer-cache.js';
import type { LayerDigests } from './layer-reader.js';
import { cpuTimed, timedVisitors, withoutBenchVisitors } from './analysis-timings.js';

export interface LayerSummary {
  readonly index: number;
  /** the blob digest (the descriptor's, or what the bytes hash to in a legacy archive) */
  readonly digest: string;
  readonly diffId?: string;
  readonly size: number;
  readonly compression: string;
  readonly entries: number;
  readonly whiteouts: number;
  readonly createdBy?: string;
  /** why the layer could not be read to its end */
  readonly error?: string;
  /** its bytes are not the ones the manifest or config names (an image-layer-digest-mismatch problem) */
  readonly mismatched?: true;
}

/** A reader of layer contents (catalogers, secrets): says which files it needs and gets them. */
export interface LayerVisitor {
  /** bytes of the file to keep (0 = none) */
  wanted(entry: ImageEntry): number;
  visit(entry: ImageEntry, content: Buffer, truncated: boolean): void | Promise<void>;
  /** instead of `visit`: the bytes as the slices they arrived in, for a reader that needs them only in order (hashing, copying) */
  visitBody?(entry: ImageEntry, body: FileBody, truncated: boolean): void | Promise<void>;
  /** what it found in layer `layer`, as JSON, for the layer cache; a visitor without it turns the cache off */
  saveLayer?(layer: number): unknown;
  restoreLayer?(layer: number, state: unknown): void;
  /** called before a layer is read (not when it comes from the cache): set-up only reading needs starts here */
  beginLayer?(layer: number): void | Promise<void>;
  /** called when a layer has been read to its end (not when it came from the cache), before saveLayer */
  endLayer?(layer: number): void | Promise<void>;
  /**
   * called when a layer has been read to its end, before endLayer: true when what this visitor found
   * in it tells that it must read it again (it is, with only the visitors that said so)
   */
  readAgain?(layer: number): boolean;
  /** whether what it saved of a cached layer serves this image: when one says no, the layer is read instead */
  restorable?(layer: number, state: unknown): boolean;
  /** what else its saved results depend on (a rule set's digest): part of the layer cache key */
  readonly cacheSalt?: string;
}

export interface AnalyzedImage {
  readonly display: string;
  readonly platform?: string;
  readonly manifestDigest?: string;
  readonly configDigest: string;
  readonly config: ImageConfig;
  readonly layers: readonly LayerSummary[];
  readonly tree: SquashedTree;
  readonly problems: readonly IntegrityProblem[];
  /** members that were not placed: names climbing out of the root, bare `.wh.` names */
  readonly notes: readonly string[];
}

/**
 * Whether a visitor's error stops the whole run (a YARA rule that does not compile) instead of
 * leaving only this image incomplete: such errors carry `stopsRun: true`.
 */
export function stopsRun(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { stopsRun?: unknown }).stopsRun === true;
}

/**
 * How the images of one run (`scan --analyze-images`) share the reading of layers: one image reads
 * at a time, in the order they asked, while the next one's blobs download and the previous one's
 * results are finished; a layer several images hold is read by the first and restored by the others.
 */
export interface LayerPipeline {
  /**
   * runs `read` (all of one image's layers) once the images that asked before have read theirs or
   * passed the turn on: `read` may call `pass` once it reads nothing more (its last layer's tar is
   * read; what the workers still answer on it is waited for beside the next image's reading)
   */
  readTurn<T>(read: (pass: () => void) => Promise<T>): Promise<T>;
  /** true the first time a layer (its cache key) is named in the run: later images restore it instead of downloading it */
  firstToRead(key: string): boolean;
}

/** Reads one image's config and every layer once, checking each digest, building the squashed view. */
export async function analyzePlan(opened: OpenedImage, plan: ManifestPlan, untimedVisitors: readonly LayerVisitor[] = [], cache?: LayerCache, pipeline?: LayerPipeline): Promise<AnalyzedImage> {
  const visitors = timedVisitors(withoutBenchVisitors(untimedVisitors));
  const problems: IntegrityProblem[] = [];
  const notes: string[] = [];
  const platformField = plan.platform ? { platform: plan.platform } : {};
  const configBytes = plan.config.inline ?? await readSmallBlob(opened.source, plan.config.location, CONFIG_LIMIT, `the config of ${opened.display}`);
  const configDigest = sha256(configBytes);
  if (plan.config.digest && plan.config.digest.startsWith('sha256:') && configDigest !== plan.config.digest) {
    problems.push({ subject: 'config', where: plan.config.digest, detail: `the config hashes to ${configDigest}, not ${plan.config.digest}`, ...platformField });
  }
  const config = parseImageConfig(parseJson(configBytes, `the config of ${opened.display}`), `the config of ${opened.display}`);
  if (!plan.unverifiable && config.diffIds.length !== plan.layers.length) {
    problems.push({ subject: 'layer-count', where: configDigest, detail: `the manifest lists ${plan.layers.length} layers but the config's rootfs.diff_ids ${config.diffIds.length}`, ...platformField });
  }
  let tree = new SquashedTree();
  /** the cache keys of the layers applied so far, while each is known and was read whole: the run's images on the same lower layers share their squashed tree */
  let prefix: string | undefined = '';
  const layers: LayerSummary[] = [];
  const salt = visitors.map((visitor) => visitor.cacheSalt ?? '').join('\0');
  const keys = cache && visitors.every(isCacheable)
    ? await Promise.all(plan.layers.map((blob, index) => cache.keyFor(opened.source, blob, config.diffIds[index], salt)))
    : plan.layers.map(() => undefined);
  const { source } = opened;
  const fetchedAhead = new Set<string>();
  if (source.prefetch) {
    // what no earlier image of the run reads and no cache holds is downloaded ahead, while earlier images are analysed
    for (const [index, blob] of plan.layers.entries()) {
      const key = keys[index];
      // claimed and asked for at once: an image that finds it claimed reads the claimer's download (or restores its result)
      if (key && (await cache!.has(key) || !(pipeline?.firstToRead(key) ?? true))) continue;
      source.prefetch(blob.location, blob.size);
      fetchedAhead.add(blob.location);
    }
  }
  const expansion = new ExpansionAccount();
  const readLayers = async (pass?: () => void): Promise<void> => {
    let next = 0;
    try {
      for (; next < plan.layers.length; next += 1) {
        await readOne(next, plan.layers[next]!, keys[next], next === plan.layers.length - 1 ? pass : undefined);
        source.release?.(plan.layers[next]!.location);
      }
    } finally {
      // a read that stopped early gives back what it had downloaded ahead: a later image holding the layer streams it
      for (; next < plan.layers.length; next += 1) {
        const { location } = plan.layers[next]!;
        if (fetchedAhead.has(location)) source.release?.(location);
      }
    }
  };
  /** `tarRead`: told once the layer's tar has been read, before the visitors' workers are waited for */
  const readOne = async (index: number, blob: BlobRef, key: string | undefined, tarRead?: () => void): Promise<void> => {
    const expected = config.diffIds[index];
    const stored = key ? await cache!.load(key) : undefined;
    const cached = stored && visitors.every((visitor, position) => visitor.restorable?.(index, stored.visitors[position]) ?? true) ? stored : undefined;
    const limits: LayerLimits = { expansion: expansion.budget(), ...(source.kind === 'registry' && blob.size !== undefined ? { maxStoredBytes: blob.size } : {}) };
    // the tar reader, decompressors and their workers are loaded for the first layer the cache cannot answer
    const read = cached ? restoreLayer(cached, index, visitors as CacheableVisitor[]) : await import('./layer-read.js').then(({ readLayer }) => cpuTimed('layers read (main thread)', () => readLayer(opened, blob, index, visitors, limits, tarRead)));
    const { digests, entries, whiteouts } = read;
    if (!cached) expansion.add(digests.blobSize, digests.expandedSize ?? 0);
    append(notes, read.notes);
    const before = problems.length;
    const where = blob.digest ?? blob.location;
    const layerFields = { layer: index, ...platformField };
    if (blob.digest?.startsWith('sha256:') && digests.blobDigest !== blob.digest) {
      problems.push({ subject: 'layer', where, detail: `layer ${index} hashes to ${digests.blobDigest}, not ${blob.digest}`, ...layerFields });
    } else if (blob.size !== undefined && digests.blobSize !== blob.size) {
      problems.push({ subject: 'layer', where, detail: `layer ${index} is ${digests.blobSize} bytes, not ${blob.size} as its descriptor says`, ...layerFields });
    }
    // a layer stored uncompressed is its own tar: its stored bytes hash to its diff_id even when the tar in them cannot be read
    const diffId = digests.diffId ?? (digests.compression === 'none' ? digests.blobDigest : undefined);
    if (diffId && expected && diffId !== expected) {
      problems.push({ subject: 'layer', where, detail: `layer ${index} uncompressed hashes to ${diffId}, not rootfs.diff_ids[${index}] ${expected}`, ...layerFields });
    }
    // only a layer read whole and found to be what the image says is kept: anything else is read again next time
    const whole = !digests.error && problems.length === before;
    if (key && !cached && whole) await cache!.store(key, saveLayer(read, index, visitors as CacheableVisitor[]));
    prefix = prefix !== undefined && key && whole ? `${prefix}${key}/` : undefined;
    const squashed = prefix !== undefined ? cache!.squashed(prefix) : undefined;
    if (squashed) tree = SquashedTree.from(squashed);
    else {
      tree.applyLayer(whiteouts, entries);
      // the top layer is an image's own (its application): no other image builds on the tree it makes
      if (prefix !== undefined && index < plan.layers.length - 1) cache!.rememberSquashed(prefix, tree.snapshot());
    }
    const createdBy = historyStepOf(config, index);
    layers.push({
      index,
      digest: blob.digest ?? digests.blobDigest,
      ...(digests.diffId ? { diffId: digests.diffId } : {}),
      size: digests.blobSize,
      compression: digests.compression,
      entries: entries.length,
      whiteouts: whiteouts.length,
      ...(createdBy !== undefined ? { createdBy } : {}),
      ...(digests.error ? { error: `layer ${index} (${where}): ${digests.error}` } : {}),
      ...(problems.length > before ? { mismatched: true as const } : {}),
    });
  };
  if (pipeline) await pipeline.readTurn(readLayers);
  else await readLayers();
  const platform = plan.platform ?? (config.os && config.architecture ? [config.os, config.architecture, config.variant].filter(Boolean).join('/') : undefined);
  return {
    display: opened.display,
    ...(platform ? { platform } : {}),
    ...(plan.manifestDigest ? { manifestDigest: plan.manifestDigest } : {}),
    configDigest,
    config,
    layers,
    tree,
    problems,
    notes,
  };
}

function historyStepOf(config: ImageConfig, index: number): string | undefined {
  let layer = -1;
  for (const step of config.history) {
    if (step.emptyLayer) continue;
    layer += 1;
    if (layer === index) return step.createdBy;
  }
  return undefined;
}

/** One layer as read: its digests, its own members and whiteouts, and notes on members not placed. */
export interface LayerRead {
  readonly digests: LayerDigests;
  readonly entries: readonly ImageEntry[];
  readonly whiteouts: readonly Whiteout[];
  readonly notes: readonly string[];
}

