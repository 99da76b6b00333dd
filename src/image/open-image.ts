import { stat } from 'node:fs/promises';
import { parseImageReference, type ImageReference } from '../model/image-ref.js';
import { ResolveError } from '../resolve/errors.js';
import type { HttpRegistryClient } from '../resolve/registry-client.js';
import { ArchiveSource } from './archive-source.js';
import { ImageInputError, readSmallBlob, type BlobPrefetcher, type BlobSource } from './blob-source.js';
import type { IntegrityProblem } from './integrity.js';
import { LayoutSource } from './layout-source.js';
import {
  CONFIG_LIMIT, MANIFEST_LIMIT, indexEntries, isIndex, manifestBlobs, parseJson, platformText, selectPlatforms, sha256,
  type ManifestPlan, type PlatformChoice, type PlatformDescriptor,
} from './manifest-plan.js';
import { RegistrySource } from './registry-source.js';
import { openV1Archive } from './v1-archive.js';

export interface OpenedImage {
  /** how the input is shown: the path, or the reference */
  readonly display: string;
  readonly source: BlobSource;
  readonly reference?: ImageReference;
  readonly plans: readonly ManifestPlan[];
  /** manifests that do not hash to their descriptor or pinned digest */
  readonly problems: readonly IntegrityProblem[];
  /** what could not be checked about the input as a whole (a v1 archive has no digests) */
  readonly notes?: readonly string[];
}

export interface OpenOptions extends PlatformChoice {
  /** builds the registry client when the input is a reference (its code is loaded only then) */
  readonly registryClient: () => HttpRegistryClient | Promise<HttpRegistryClient>;
  /** registry layers downloaded ahead into files (`scan --analyze-images`) */
  readonly prefetcher?: BlobPrefetcher;
}

/**
 * An image from a path (OCI layout directory, `docker save` tarball, optionally `PATH:TAG`) or
 * a registry reference. Manifests and indexes are read and checked here; layers are read later.
 */
export async function openImage(input: string, options: OpenOptions): Promise<OpenedImage> {
  const local = await localPath(input);
  if (local) {
    const { path, tag, isDirectory } = local;
    if (isDirectory) return openOciIndex(input, new LayoutSource(path), tag, options);
    const archive = await ArchiveSource.open(path);
    if (archive.has('index.json')) return openOciIndex(input, archive, tag, options);
    if (archive.has('manifest.json')) return openLegacyArchive(input, archive, tag);
    if (archive.has('repositories')) {
      const { plan, note } = await openV1Archive(input, archive, tag);
      return { display: input, source: archive, plans: [plan], problems: [], notes: [note] };
    }
    throw new ImageInputError(`${path} is neither an OCI layout nor a docker save archive (no index.json, manifest.json or repositories)`);
  }
  const parsed = parseImageReference(input);
  if (!parsed.ok) throw new ImageInputError(`${input} is not a file, a directory or an image reference: ${parsed.reason}`);
  return openRegistryImage(parsed.reference, options);
}

async function localPath(input: string): Promise<{ path: string; tag?: string; isDirectory: boolean } | undefined> {
  const whole = await stat(input).catch(() => undefined);
  if (whole) return { path: input, isDirectory: whole.isDirectory() };
  const colon = input.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const path = input.slice(0, colon);
  const base = await stat(path).catch(() => undefined);
  return base ? { path, tag: input.slice(colon + 1), isDirectory: base.isDirectory() } : undefined;
}

/** Reads a manifest or index by descriptor and checks its bytes hash to the descriptor's digest. */
async function readDescribed(source: BlobSource, descriptor: PlatformDescriptor, what: string, problems: IntegrityProblem[]): Promise<Record<string, unknown>> {
  const bytes = await readSmallBlob(source, descriptor.digest, MANIFEST_LIMIT, what);
  const actual = sha256(bytes);
  if (descriptor.digest.startsWith('sha256:') && actual !== descriptor.digest) {
    problems.push({ subject: 'manifest', where: descriptor.digest, detail: `${what} hashes to ${actual}, not ${descriptor.digest}` });
  } else if (descriptor.size >= 0 && bytes.length !== descriptor.size) {
    problems.push({ subject: 'manifest', where: descriptor.digest, detail: `${what} is ${bytes.length} bytes, not ${descriptor.size} as its descriptor says` });
  }
  return parseJson(bytes, what);
}

async function openOciIndex(display: string, source: BlobSource, tag: string | undefined, choice: PlatformChoice): Promise<OpenedImage> {
  const problems: IntegrityProblem[] = [];
  const index = parseJson(await readSmallBlob(source, 'index.json', MANIFEST_LIMIT, `${display}: index.json`), `${display}: index.json`);
  let entries = indexEntries(index, `${display}: index.json`);
  if (tag !== undefined) {
    entries = entries.filter((entry) => refName(entry) === tag || entry.annotations?.['io.containerd.image.name']?.endsWith(`:${tag}`));
    if (entries.length === 0) throw new ImageInputError(`${display}: no image is tagged ${tag} (tags: ${tagsOf(indexEntries(index, 'index.json'))})`);
  } else if (entries.length > 1 && !entries.every((entry) => entry.platform)) {
    const tags = new Set(entries.map(refName));
    if (tags.size > 1) throw new ImageInputError(`${display} holds ${entries.length} images; name one as PATH:TAG (tags: ${tagsOf(entries)})`);
  }
  const chosen = entries.length > 1 ? selectPlatforms(entries, choice, display) : entries;
  const plans: ManifestPlan[] = [];
  for (const entry of chosen) await planDescribed(source, entry, display, choice, problems, plans, 0);
  return { display, source, plans, problems };
}

async function planDescribed(source: BlobSource, descriptor: PlatformDescriptor, display: string, choice: PlatformChoice, problems: IntegrityProblem[], plans: ManifestPlan[], depth: number): Promise<void> {
  if (depth > 2) throw new ImageInputError(`${display}: indexes nested too deep`);
  const document = await readDescribed(source, descriptor, `${display}@${descriptor.digest}`, problems);
  if (isIndex(document)) {
    const children = selectPlatforms(indexEntries(document, `index ${descriptor.digest}`), choice, `${display}@${descriptor.digest}`);
    for (const child of children) await planDescribed(source, child, display, choice, problems, plans, depth + 1);
    return;
  }
  const platform = platformText(descriptor.platform);
  plans.push({ ...manifestBlobs(document, `manifest ${descriptor.digest}`), manifestDigest: descriptor.digest, ...(platform ? { platform } : {}) });
}

function refName(entry: PlatformDescriptor): string | undefined {
  return entry.annotations?.['org.opencontainers.image.ref.name'];
}

function tagsOf(entries: readonly PlatformDescriptor[]): string {
  return entries.map((entry) => refName(entry) ?? '(untagged)').join(', ');
}

/** `docker save` before Docker 25: `manifest.json` lists config and layer files by name. */
async function openLegacyArchive(display: string, archive: ArchiveSource, tag: string | undefined): Promise<OpenedImage> {
  const bytes = await readSmallBlob(archive, 'manifest.json', MANIFEST_LIMIT, `${display}: manifest.json`);
  let list: unknown;
  try {
    list = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ImageInputError(`${display}: manifest.json is not JSON`);
  }
  if (!Array.isArray(list) || list.length === 0) throw new ImageInputError(`${display}: manifest.json lists no image`);
  const images = list as Array<{ Config?: unknown; RepoTags?: unknown; Layers?: unknown }>;
  const tagsOfImage = (image: (typeof images)[number]): string[] => (Array.isArray(image.RepoTags) ? image.RepoTags.map(String) : []);
  let image = images[0]!;
  if (tag !== undefined) {
    const found = images.find((candidate) => tagsOfImage(candidate).some((repoTag) => repoTag === tag || repoTag.endsWith(`:${tag}`)));
    if (!found) throw new ImageInputError(`${display}: no image is tagged ${tag} (tags: ${images.flatMap(tagsOfImage).join(', ') || 'none'})`);
    image = found;
  } else if (images.length > 1) {
    throw new ImageInputError(`${display} holds ${images.length} images; name one as PATH:TAG (tags: ${images.flatMap(tagsOfImage).join(', ') || 'none'})`);
  }
  if (typeof image.Config !== 'string' || !Array.isArray(image.Layers)) throw new ImageInputError(`${display}: manifest.json has no Config and Layers`);
  // skopeo and Docker name the config and the layers by their digest: a name that says one is checked like a descriptor
  const digestOfName = (name: string): string | undefined => {
    const match = /(?:^|\/)(?:sha256[:/])?([a-f0-9]{64})(?:\.json|\.tar)?$/.exec(name);
    return match ? `sha256:${match[1]}` : undefined;
  };
  const configDigest = digestOfName(image.Config);
  return {
    display,
    source: archive,
    plans: [{
      config: { location: image.Config, ...(configDigest ? { digest: configDigest } : {}) },
      layers: image.Layers.map((name) => ({ location: String(name) })),
    }],
    problems: [],
  };
}

async function openRegistryImage(reference: ImageReference, options: OpenOptions): Promise<OpenedImage> {
  const client = await options.registryClient();
  const source = new RegistrySource(client, reference, options.prefetcher);
  const display = reference.canonical;
  const problems: IntegrityProblem[] = [];
  const plans: ManifestPlan[] = [];
  const fetchManifest = async (digest: string | undefined): Promise<{ digest: string; document: Record<string, unknown> } | undefined> => {
    try {
      const fetched = await client.getManifest(digest ? { ...reference, digest } : reference);
      return { digest: fetched.digest, document: parseJson(fetched.body, `the manifest of ${display}`) };
    } catch (error) {
      if (error instanceof ResolveError && error.code === 'image-digest-mismatch') {
        problems.push({ subject: 'manifest', where: digest ?? reference.digest ?? display, detail: error.message });
        return undefined;
      }
      throw error;
    }
  };
  const top = await fetchManifest(undefined);
  if (top) {
    if (isIndex(top.document)) {
      for (const entry of selectPlatforms(indexEntries(top.document, `the index of ${display}`), options, display)) {
        const child = await fetchManifest(entry.digest);
        const platform = platformText(entry.platform);
        if (child) plans.push({ ...manifestBlobs(child.document, `manifest ${child.digest}`), manifestDigest: child.digest, ...(platform ? { platform } : {}) });
      }
    } else {
      plans.push({ ...manifestBlobs(top.document, `manifest ${top.digest}`), manifestDigest: top.digest });
    }
  }
  return { display, source, reference, plans, problems };
}

export { CONFIG_LIMIT };
