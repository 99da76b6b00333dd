import { DEFAULT_CONFIG } from '../config/schema.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import { ResolveError } from '../resolve/errors.js';
import { HttpRegistryClient } from '../resolve/registry-client.js';
import type { Rule } from '../rules/rule.js';
import imageLayerDigestMismatch from '../rules/artifacts/image-layer-digest-mismatch.js';
import { analyzePlan, type AnalyzedImage, type LayerVisitor } from './analyze.js';
import { PackageCollector, type Inventory } from './catalog/collect.js';
import type { ImageReference } from '../model/image-ref.js';
import { ImageInputError } from './blob-source.js';
import { imageFinding } from './image-findings.js';
import type { IntegrityProblem } from './integrity.js';
import { openImage } from './open-image.js';
import { TarFormatError } from './tar-header.js';

export interface InspectOptions {
  /** `os/arch[/variant]`; default linux/amd64 */
  readonly platform?: string;
  readonly allPlatforms?: boolean;
  readonly insecureRegistries?: readonly string[];
  readonly registryTimeoutMs?: number;
  /** builds what reads layer contents for one image (catalogers, secrets) */
  readonly visitors?: (image: { display: string; platform?: string }) => readonly LayerVisitor[];
}

/** One platform of an image, read: its layers, squashed view and package inventory. */
export interface InspectedImage extends AnalyzedImage {
  readonly inventory: Inventory;
  /** the registry reference, when the image came from a registry */
  readonly reference?: ImageReference;
}

export interface ImageInspection {
  readonly display: string;
  readonly images: readonly InspectedImage[];
  readonly findings: Finding[];
  readonly diagnostics: Diagnostic[];
  /** false when a layer or manifest could not be read to its end */
  readonly complete: boolean;
  readonly rules: readonly Rule[];
}

export const IMAGE_RULES: readonly Rule[] = [imageLayerDigestMismatch];

/** Reads an image (or each chosen platform of it), checks its integrity and builds its squashed view. */
export async function inspectImage(input: string, options: InspectOptions = {}): Promise<ImageInspection> {
  const config = DEFAULT_CONFIG;
  let client: HttpRegistryClient | undefined;
  const opened = await openImage(input, {
    ...(options.allPlatforms ? {} : { platform: options.platform ?? 'linux/amd64' }),
    registryClient: () => {
      client = new HttpRegistryClient({
        insecureRegistries: options.insecureRegistries ?? [],
        ...(options.registryTimeoutMs ? { timeoutMs: options.registryTimeoutMs } : {}),
      });
      return client;
    },
  }).catch((error: unknown) => { throw inputError(error, input); });
  const findings: Finding[] = [];
  const diagnostics: Diagnostic[] = [];
  const images: InspectedImage[] = [];
  const report = (problem: IntegrityProblem): void => {
    findings.push(imageFinding({
      rule: imageLayerDigestMismatch,
      messageId: 'mismatch',
      data: { image: opened.display, detail: problem.detail },
      image: opened.display,
      path: problem.where,
      subject: `${problem.subject}:${problem.detail}`,
      properties: { subject: problem.subject, ...(problem.layer !== undefined ? { layer: problem.layer } : {}), ...(problem.platform ? { platform: problem.platform } : {}) },
    }, config));
  };
  try {
    opened.problems.forEach(report);
    for (const plan of opened.plans) {
      let analyzed: AnalyzedImage;
      const collector = new PackageCollector();
      const extra = options.visitors?.({ display: opened.display, ...(plan.platform ? { platform: plan.platform } : {}) }) ?? [];
      try {
        analyzed = await analyzePlan(opened, plan, [collector, ...extra]);
      } catch (error) {
        diagnostics.push({ path: plan.manifestDigest ?? opened.display, message: errorText(error), kind: 'incomplete' });
        continue;
      }
      images.push({ ...analyzed, inventory: collector.finish(analyzed.tree), ...(opened.reference ? { reference: opened.reference } : {}) });
      analyzed.problems.forEach(report);
      for (const layer of analyzed.layers) if (layer.error) diagnostics.push({ path: layer.digest, message: layer.error, kind: 'incomplete' });
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
    rules: IMAGE_RULES,
  };
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
