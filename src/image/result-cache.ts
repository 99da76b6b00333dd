import { createHash } from 'node:crypto';
import type { Rule } from '../rules/rule.js';
import { VERSION } from '../version.js';
import { CONTENT_RULES, IMAGE_RULES } from './analysis-rules.js';
import { readSmallBlob } from './blob-source.js';
import type { ImageInspection, InspectedImage, ReportedImage } from './inspect-image.js';
import { LayerCache } from './layer-cache.js';
import type { ContentAnalysisSummary, ImageAnalysisOptions } from './malware/analyze-image.js';
import { yaraIdentity } from './malware/yara-identity.js';
import { CONFIG_LIMIT, sha256 } from './manifest-plan.js';
import { openImage } from './open-image.js';

/** bumped whenever what a stored result holds changes shape or meaning (a finding's properties, the images' fields) */
export const RESULT_FORMAT = 1;

/** what else changes an analysis: the decompression limits (layer-limits.ts) and the benchmark's switches */
const ENVIRONMENT = ['RAMPART_IMAGE_MAX_EXPANSION', 'RAMPART_IMAGE_EXPANSION_FLOOR_MIB', 'RAMPART_BENCH_WITHOUT'];

/** An image's finished analysis, as `rampart image` reports it. */
export type AnalysisResult = Omit<ImageInspection, 'images'> & { readonly images: readonly ReportedImage[]; readonly analysis: ContentAnalysisSummary };

interface StoredResult extends Omit<AnalysisResult, 'rules'> {
  readonly format: number;
  readonly ruleIds: readonly string[];
}

class NotLocal extends Error {}

/**
 * `rampart image`'s analysis of a layout or archive, answered whole from the cache when nothing it
 * depends on changed (see analysisResultKey): such a run loads none of the reading, cataloguing or
 * tampering code. Not for a registry reference, a shared engine, ClamAV or extra visitors
 * (`--blocklist`), nor with the cache off: those are always analysed.
 */
export async function analyzeImageOnce(input: string, options: ImageAnalysisOptions): Promise<AnalysisResult> {
  const analyze = async (): Promise<Awaited<ReturnType<typeof import('./malware/analyze-image.js')['analyzeImage']>>> => (await import('./malware/analyze-image.js')).analyzeImage(input, options);
  if (options.cacheDirectory === false || options.engine || options.clamav || options.visitors || options.registryClient || options.layerMemory) return analyze();
  const keyNow = async (): Promise<string | undefined> => {
    const salt = await yaraIdentity({ ...(options.yaraRules ? { ruleLocations: options.yaraRules } : {}), ...(options.yaraEngine ? { engine: options.yaraEngine } : {}) });
    return salt === undefined ? undefined : analysisResultKey(input, options, salt);
  };
  const cache = new LayerCache(options.cacheDirectory);
  const key = await keyNow();
  const stored = key ? await loadAnalysisResult(cache, key) : undefined;
  if (stored) return stored;
  const result = await analyze();
  // what changed while it was analysed (a blob, a rule file) is not stored under the key of before
  if (key && await keyNow() === key) await storeAnalysisResult(cache, key, result);
  return result;
}

/**
 * The key of an image's finished analysis: everything it depends on. The image is opened (index,
 * manifest and config are read and hashed, as on every run); each layer blob counts by its digest,
 * size, location and file identity (device, inode, size, modification and change times), as for the
 * layer cache, so a blob changed in place misses. `salt` names the YARA engine and its rule files.
 * Undefined for a registry reference (nothing is fetched twice to key it) or a layer whose file
 * cannot be identified.
 */
export async function analysisResultKey(input: string, choice: { readonly platform?: string; readonly allPlatforms?: boolean }, salt: string): Promise<string | undefined> {
  const platform = choice.allPlatforms ? {} : { platform: choice.platform ?? 'linux/amd64' };
  const opened = await openImage(input, { ...platform, registryClient: () => { throw new NotLocal(); } }).catch(() => undefined);
  if (!opened || opened.source.kind === 'registry' || !opened.source.identity) return undefined;
  const plans: unknown[] = [];
  for (const plan of opened.plans) {
    const config = plan.config.inline ?? await readSmallBlob(opened.source, plan.config.location, CONFIG_LIMIT, `the config of ${opened.display}`).catch(() => undefined);
    if (!config) return undefined;
    const layers: unknown[] = [];
    for (const blob of plan.layers) {
      const identity = await opened.source.identity(blob.location).catch(() => undefined);
      if (identity === undefined) return undefined;
      layers.push([blob.digest ?? '', blob.size ?? -1, blob.location, blob.mediaType ?? '', identity]);
    }
    plans.push([plan.platform ?? '', plan.manifestDigest ?? '', plan.unverifiable === true, plan.config.digest ?? '', sha256(config), layers]);
  }
  const environment = ENVIRONMENT.map((name) => process.env[name] ?? '');
  const parts = [RESULT_FORMAT, VERSION, 'result', input, opened.display, platform, choice.allPlatforms === true, salt, environment, opened.problems, opened.notes ?? [], plans];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** the result stored under `key` with its rules; undefined when absent, of another format or not whole */
export async function loadAnalysisResult(cache: LayerCache, key: string): Promise<AnalysisResult | undefined> {
  const stored = await cache.loadConfig(key) as StoredResult | undefined;
  if (!stored || stored.format !== RESULT_FORMAT || !Array.isArray(stored.images) || !Array.isArray(stored.findings) || !Array.isArray(stored.diagnostics) || !Array.isArray(stored.ruleIds)) return undefined;
  let known: readonly Rule[] = [...IMAGE_RULES, ...CONTENT_RULES];
  if (stored.ruleIds.some((id) => !known.some((rule) => rule.id === id))) {
    const { generatedSecretRules } = await import('../rules/secrets/secret-rules.js');
    known = [...known, ...generatedSecretRules];
  }
  const rules = stored.ruleIds.map((id) => known.find((rule) => rule.id === id));
  if (rules.some((rule) => rule === undefined)) return undefined;
  const { ruleIds: _ids, format: _format, ...result } = stored;
  return { ...result, rules: rules as Rule[] };
}

/**
 * Keeps a finished analysis for the next run, only when it is whole and the image is what it says
 * (no integrity problem): anything else is analysed again. Package files (what tampering checks
 * compared) are left out: the report does not show them.
 */
export async function storeAnalysisResult(cache: LayerCache, key: string, result: Omit<AnalysisResult, 'images'> & { readonly images: readonly InspectedImage[] | readonly ReportedImage[] }): Promise<void> {
  if (!result.complete || result.images.some((image) => image.problems.length > 0) || result.findings.some((finding) => finding.ruleId === IMAGE_RULES[0]!.id)) return;
  const images: ReportedImage[] = result.images.map((image) => {
    const { tree: _tree, secrets: _secrets, ...reported } = image as InspectedImage;
    return { ...reported, inventory: { ...image.inventory, packages: image.inventory.packages.map(({ files: _files, ...pkg }) => pkg) } };
  });
  const { rules, ...rest } = result;
  const stored: StoredResult = { ...rest, images, format: RESULT_FORMAT, ruleIds: rules.map((rule) => rule.id) };
  await cache.storeConfig(key, stored);
}
