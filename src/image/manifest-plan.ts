import { createHash } from 'node:crypto';
import { ImageInputError } from './blob-source.js';

/** One image to read: where its config and layers are, and what each must hash to. */
export interface ManifestPlan {
  /** the platform, `os/arch[/variant]`, when an index or the config names it */
  readonly platform?: string;
  /** the manifest's digest (absent for a legacy `docker save`, which has none) */
  readonly manifestDigest?: string;
  readonly config: BlobRef & { readonly inline?: Buffer };
  readonly layers: readonly BlobRef[];
  /** a Docker v1 archive: no digests or diff_ids to check layers against */
  readonly unverifiable?: boolean;
}

export interface BlobRef {
  /** where the source finds it: a digest, or a file name in a legacy archive */
  readonly location: string;
  /** what the bytes must hash to; a legacy archive's layer has only its diff_id */
  readonly digest?: string;
  readonly size?: number;
  readonly mediaType?: string;
}

export interface PlatformDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

export const MANIFEST_LIMIT = 4 * 1024 * 1024;
/** layers of one manifest: Docker stops at 127, and each costs a read; a 4 MiB manifest could name 30,000 */
export const MAX_LAYERS = 4096;
/** images read from one index with --all-platforms: real indexes name a dozen or so */
export const MAX_PLATFORMS = 128;
export const CONFIG_LIMIT = 8 * 1024 * 1024;

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ImageInputError(`${what} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ImageInputError(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

function descriptorList(value: unknown, what: string): PlatformDescriptor[] {
  if (!Array.isArray(value)) throw new ImageInputError(`${what} has no list of descriptors`);
  return value.map((item, index) => {
    const descriptor = item as Partial<PlatformDescriptor> | null;
    if (typeof descriptor !== 'object' || descriptor === null || typeof descriptor.digest !== 'string') {
      throw new ImageInputError(`${what}: descriptor ${index} has no digest`);
    }
    return { mediaType: String(descriptor.mediaType ?? ''), digest: descriptor.digest, size: Number(descriptor.size ?? -1), ...(descriptor.platform ? { platform: descriptor.platform } : {}), ...(descriptor.annotations ? { annotations: descriptor.annotations } : {}) };
  });
}

export function isIndex(document: Record<string, unknown>): boolean {
  return Array.isArray(document['manifests']);
}

export function indexEntries(document: Record<string, unknown>, what: string): PlatformDescriptor[] {
  return descriptorList(document['manifests'], what);
}

/** An image manifest's config and layers, as blob references. */
export function manifestBlobs(document: Record<string, unknown>, what: string): { config: BlobRef; layers: BlobRef[] } {
  const config = document['config'] as Partial<PlatformDescriptor> | undefined;
  if (!config || typeof config.digest !== 'string') throw new ImageInputError(`${what} has no config descriptor`);
  const layers = descriptorList(document['layers'], `${what} layers`);
  if (layers.length > MAX_LAYERS) throw new ImageInputError(`${what} lists ${layers.length} layers, more than ${MAX_LAYERS}; refused`);
  const ref = (descriptor: Partial<PlatformDescriptor> & { digest: string }): BlobRef => ({
    location: descriptor.digest,
    digest: descriptor.digest,
    ...(typeof descriptor.size === 'number' && descriptor.size >= 0 ? { size: descriptor.size } : {}),
    ...(descriptor.mediaType ? { mediaType: descriptor.mediaType } : {}),
  });
  return { config: ref(config as PlatformDescriptor), layers: layers.map(ref) };
}

export interface PlatformChoice {
  /** `os/arch[/variant]`; undefined means every platform */
  readonly platform?: string;
}

export function platformText(platform: PlatformDescriptor['platform']): string | undefined {
  if (!platform?.os || !platform.architecture) return undefined;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * The entries of an index to read: the one for the asked platform, or every real platform
 * (attestation manifests, `unknown/unknown`, are never images).
 */
export function selectPlatforms(entries: readonly PlatformDescriptor[], choice: PlatformChoice, what: string): PlatformDescriptor[] {
  const images = entries.filter((entry) => platformText(entry.platform) !== 'unknown/unknown' && entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  if (choice.platform === undefined) {
    if (images.length > MAX_PLATFORMS) throw new ImageInputError(`${what} names ${images.length} images, more than ${MAX_PLATFORMS} for --all-platforms; choose one with --platform`);
    return images;
  }
  const wanted = choice.platform;
  const exact = images.filter((entry) => platformText(entry.platform) === wanted);
  if (exact.length > 0) return exact.slice(0, 1);
  // linux/arm64 matches linux/arm64/v8, as container runtimes do
  const loose = images.filter((entry) => platformText(entry.platform)?.startsWith(`${wanted}/`));
  if (loose.length > 0) return loose.slice(0, 1);
  const available = images.map((entry) => platformText(entry.platform) ?? '(no platform)').join(', ');
  throw new ImageInputError(`${what} has no image for ${wanted} (it has ${available || 'none'}); choose one with --platform or read all with --all-platforms`);
}
