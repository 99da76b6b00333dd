import { parseImageReference, type ImageReference } from '../model/image-ref.js';
import { ResolveError } from './errors.js';
import { OCI_INDEX, OCI_MANIFEST } from './media-types.js';
import type { Descriptor, FetchedManifest, RegistryClient } from './types.js';

/**
 * What a registry holds, written down: `reference → digest`, `null` for "no such tag", or
 * `{ "digest": …, "manifests": [platform digests] }` for an index. Rule fixtures carry it as
 * `registry.json` so `--resolve` rules run offline and deterministically.
 */
export type RegistrySnapshot = Readonly<Record<string, string | null | { readonly digest: string; readonly manifests?: readonly string[] }>>;

interface Entry {
  readonly digest: string;
  readonly manifests: readonly string[];
}

/** A RegistryClient over a snapshot; it never touches the network. */
export class SnapshotRegistryClient implements RegistryClient {
  requestCount = 0;
  private readonly tags = new Map<string, Entry | null>();
  /** name@digest → index children, for every digest the snapshot mentions */
  private readonly digests = new Map<string, Entry>();

  constructor(snapshot: RegistrySnapshot) {
    for (const [text, value] of Object.entries(snapshot)) {
      const parsed = parseImageReference(text);
      if (!parsed.ok) throw new Error(`registry snapshot: "${text}" is not an image reference: ${parsed.reason}`);
      const entry = value === null ? null : typeof value === 'string' ? { digest: value, manifests: [] } : { digest: value.digest, manifests: value.manifests ?? [] };
      this.tags.set(parsed.reference.canonical, entry);
      if (entry) {
        this.digests.set(`${parsed.reference.name}@${entry.digest}`, entry);
        for (const child of entry.manifests) this.digests.set(`${parsed.reference.name}@${child}`, { digest: child, manifests: [] });
      }
    }
  }

  static fromJson(text: string, file: string): SnapshotRegistryClient {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected an object of reference → digest`);
    return new SnapshotRegistryClient(parsed as RegistrySnapshot);
  }

  async resolve(reference: ImageReference): Promise<Descriptor> {
    this.requestCount += 1;
    const entry = this.lookUp(reference);
    return { mediaType: entry.manifests.length > 0 ? OCI_INDEX : OCI_MANIFEST, digest: entry.digest, size: 0 };
  }

  async getManifest(reference: ImageReference): Promise<FetchedManifest> {
    this.requestCount += 1;
    const entry = this.lookUp(reference);
    if (entry.manifests.length === 0) {
      return { digest: entry.digest, mediaType: OCI_MANIFEST, body: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST })) };
    }
    const manifests = entry.manifests.map((digest) => ({ mediaType: OCI_MANIFEST, digest, size: 0 }));
    return { digest: entry.digest, mediaType: OCI_INDEX, body: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests })) };
  }

  async getBlob(reference: ImageReference, digest: string): Promise<Buffer> {
    throw new ResolveError('not-found', `${reference.name}: blob ${digest} is not in the registry snapshot`);
  }

  async referrers(): Promise<Descriptor[]> {
    return [];
  }

  private lookUp(reference: ImageReference): Entry {
    if (reference.digest) {
      const entry = this.digests.get(`${reference.name}@${reference.digest}`);
      if (entry) return entry;
    } else {
      const entry = this.tags.get(`${reference.name}:${reference.tag ?? 'latest'}`);
      if (entry) return entry;
    }
    throw new ResolveError('not-found', `${reference.canonical} was not found in ${reference.registry}`);
  }
}
