import { DEFAULT_CONFIG } from '../config/schema.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import { ResolveError } from '../resolve/errors.js';
import type { HttpRegistryClient } from '../resolve/registry-client.js';
import type { Rule } from '../rules/rule.js';
import imageLayerDigestMismatch from '../rules/artifacts/image-layer-digest-mismatch.js';
import { IMAGE_RULES } from './analysis-rules.js';
import { analyzePlan, stopsRun, type AnalyzedImage, type LayerPipeline, type LayerVisitor } from './analyze.js';
import type { BlobPrefetcher } from './blob-source.js';
import { PackageCollector, type Inventory } from './catalog/collect.js';
import type { ImageReference } from '../model/image-ref.js';
import { ImageInputError } from './blob-source.js';
import { imageFinding } from './image-findings.js';
import type { IntegrityProblem } from './integrity.js';
import type { LayerSecret } from './layer-secrets.js';
import { LayerSecretScanner, loadSecretsEngine, type SerializedSecret } from './layer-secret-scanner.js';
import { openImage } from './open-image.js';
import { LayerCache, type LayerMemory } from './layer-cache.js';
import { TarFormatError } from './tar-header.js';

export interface InspectOptions {
  /** `os/arch[/variant]`; default linux/amd64 */
  readonly platform?: string;
  readonly allPlatforms?: boolean;
  readonly insecureRegistries?: readonly string[];
  readonly registryTimeoutMs?: number;
  /** a client shared by many images (`scan --analyze-images`); the caller closes it */
  readonly registryClient?: HttpRegistryClient;
  /** where layer results are kept between runs; false keeps none on disk (default: ~/.cache/rampart) */
  readonly cacheDirectory?: string | false;
  /** layers this run has read, shared by the images of one run so none is read twice (default: this call's own) */
  readonly layerMemory?: LayerMemory;
  /** registry layers downloaded ahead into files, read by the layer worker (`scan --analyze-images`) */
  readonly prefetcher?: BlobPrefetcher;
  /** images of one run read their layers one at a time, each asking for its blobs ahead */
  readonly layerPipeline?: LayerPipeline;
  /** builds what reads layer contents for one image (catalogers, secrets) */
  readonly visitors?: (image: { display: string; platform?: string }) => readonly LayerVisitor[];
}

/** One platform of an image, read: its layers, squashed view and package inventory. */
export interface InspectedImage extends AnalyzedImage {
  readonly inventory: Inventory;
  /** credentials in any layer's files (also deleted ones) and in the config */
  readonly secrets: readonly LayerSecret[];
  /** the registry reference, when the image came from a registry */
  readonly reference?: ImageReference;
}

/** What the report of an image needs of it: all but its squashed tree and raw secrets, which only the analysis reads. */
export type ReportedImage = Omit<InspectedImage, 'tree' | 'secrets'>;

export interface ImageInspection {
  readonly display: string;
  readonly images: readonly InspectedImage[];
  readonly findings: Finding[];
  readonly diagnostics: Diagnostic[];
  /** false when a layer or manifest could not be read to its end */
  readonly complete: boolean;
  readonly rules: readonly Rule[];
}

/** Reads an image (or each chosen platform of it), checks its integrity and builds its squashed view. */
export async function inspectImage(input: string, options: InspectOptions = {}): Promise<ImageInspection> {
  const config = DEFAULT_CONFIG;
  let client: HttpRegistryClient | undefined;
  const opened = await openImage(input, {
    ...(options.allPlatforms ? {} : { platform: options.platform ?? 'linux/amd64' }),
    ...(options.prefetcher ? { prefetcher: options.prefetcher } : {}),
    registryClient: async () => {
      if (options.registryClient) return options.registryClient;
      const { HttpRegistryClient } = await import('../resolve/registry-client.js');
      client = new HttpRegistryClient({
        insecureRegistries: options.insecureRegistries ?? [],
        ...(options.registryTimeoutMs ? { timeoutMs: options.registryTimeoutMs } : {}),
      });
      return client;
    },
  }).catch((error: unknown) => { throw inputError(error, input); });
  // without a cache on disk, layers this run has read are still not read twice
  const cache = new LayerCache(options.cacheDirectory, options.layerMemory);
  const findings: Finding[] = [];
  const diagnostics: Diagnostic[] = [];
  const images: InspectedImage[] = [];
  const report = (problem: IntegrityProblem): void => {
    findings.push(imageFinding({
      rule: imageLayerDigestMismatch,
      messageId: 'mismatch',
      data: { image: opened.display, detail: problem.detail },
      image: opened.display,
      source: problem.layer !== undefined ? 'layer' : problem.subject === 'config' ? 'config' : 'manifest',
      path: problem.where,
      subject: `${problem.subject}:${problem.detail}`,
      properties: { subject: problem.subject, ...(problem.layer !== undefined ? { layer: problem.layer } : {}), ...(problem.platform ? { platform: problem.platform } : {}) },
    }, config));
  };
  try {
    opened.problems.forEach(report);
    for (const note of opened.notes ?? []) diagnostics.push({ path: opened.display, message: note, kind: 'note' });
    for (const plan of opened.plans) {
      let analyzed: AnalyzedImage;
      const collector = new PackageCollector();
      const scanner = new LayerSecretScanner();
      const extra = options.visitors?.({ display: opened.display, ...(plan.platform ? { platform: plan.platform } : {}) }) ?? [];
      try {
        analyzed = await analyzePlan(opened, plan, [collector, scanner, ...extra], cache, options.layerPipeline);
      } catch (error) {
        if (stopsRun(error)) throw error;
        diagnostics.push({ path: plan.manifestDigest ?? opened.display, message: errorText(error), kind: 'incomplete' });
        continue;
      } finally {
        scanner.close();
      }
      const fromConfig = await configScan(analyzed, cache);
      const secrets = [...await scanner.finish(analyzed.tree), ...await deserialized(fromConfig.secrets)];
      // history steps are shown (JSON layers, finding properties): build arguments in them must not be
      analyzed = { ...analyzed, layers: analyzed.layers.map((layer, index) => (layer.createdBy ? { ...layer, createdBy: fromConfig.createdBy[index]! } : layer)) };
      images.push({ ...analyzed, inventory: collector.finish(analyzed.tree), secrets, ...(opened.reference ? { reference: opened.reference } : {}) });
      if (secrets.length > 0) {
        const { secretFinding } = await import('./secret-findings.js');
        for (const secret of secrets) findings.push(secretFinding(opened.display, analyzed, secret));
      }
      for (const problem of images.at(-1)!.inventory.problems) diagnostics.push({ path: `${opened.display}:${problem.path}`, message: problem.message, kind: 'incomplete' });
      if (scanner.skippedLarge > 0) diagnostics.push({ path: opened.display, message: `${scanner.skippedLarge} layer files over 10 MiB were not read for secrets`, kind: 'skipped' });
      analyzed.problems.forEach(report);
      for (const layer of analyzed.layers) {
        if (!layer.error) continue;
        // bytes proven not to be the image's: the mismatch finding says so, and there is nothing of the image's left to read
        if (layer.mismatched) diagnostics.push({ path: layer.digest, message: `${layer.error}; layer ${layer.index} not analysed: its bytes are not the image's`, kind: 'note' });
        else diagnostics.push({ path: layer.digest, message: layer.error, kind: 'incomplete' });
      }
      for (const note of analyzed.notes) diagnostics.push({ path: opened.display, message: note, kind: 'note' });
    }
  } finally {
    await client?.close();
  }
  return {
    display: opened.display,
    images,
    findings,
    diagnostics,
    complete: !diagnostics.some((diagnostic) => diagnostic.kind === 'incomplete'),
    rules: [...IMAGE_RULES, ...(findings.length > images.reduce((sum, image) => sum + image.problems.length, 0) ? await secretRulesOf(findings) : [])],
  };
}

/** What the secrets engine found in an image config, and the layers' history steps with their secrets redacted. */
interface ConfigScan {
  readonly secrets: readonly SerializedSecret[];
  /** each layer's history step, redacted (null for a layer without one) */
  readonly createdBy: ReadonlyArray<string | null>;
}

/** The config's Env, Labels and history, scanned once per config digest: a run on the cache loads no detectors. */
async function configScan(image: AnalyzedImage, cache: LayerCache): Promise<ConfigScan> {
  const key = cache.configKey(image.configDigest);
  const known = await cache.loadConfig(key) as ConfigScan | undefined;
  const matches = (scan: ConfigScan): boolean => Array.isArray(scan.secrets) && Array.isArray(scan.createdBy) && scan.createdBy.length === image.layers.length
    && scan.createdBy.every((step, index) => (typeof step === 'string') === (image.layers[index]!.createdBy !== undefined));
  if (known && matches(known)) return known;
  const engine = await loadSecretsEngine();
  const scanned: ConfigScan = {
    secrets: engine.configSecrets(image.config).map(engine.serializeSecret),
    createdBy: image.layers.map((layer) => (layer.createdBy === undefined ? null : engine.redactSecrets(layer.createdBy, 'Dockerfile'))),
  };
  await cache.storeConfig(key, scanned);
  return scanned;
}

async function deserialized(secrets: readonly SerializedSecret[]): Promise<LayerSecret[]> {
  if (secrets.length === 0) return [];
  const { deserializeSecret } = await loadSecretsEngine();
  return secrets.flatMap((secret) => deserializeSecret(secret) ?? []);
}

/** the secret rules that reported one of `findings` */
async function secretRulesOf(findings: readonly Finding[]): Promise<Rule[]> {
  const { generatedSecretRules } = await import('../rules/secrets/secret-rules.js');
  return generatedSecretRules.filter((rule) => findings.some((finding) => finding.ruleId === rule.id));
}

function errorText(error: unknown): string {
  if (error instanceof ImageInputError || error instanceof ResolveError || error instanceof TarFormatError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${(error as Error).message}` : error instanceof Error ? error.message : String(error);
}

function inputError(error: unknown, input: string): Error {
  if (error instanceof ImageInputError || error instanceof ResolveError) return error;
  return new ImageInputError(`${input}: ${errorText(error)}`);
}
