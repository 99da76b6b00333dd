import { createHash } from 'node:crypto';
import type { ImageReference } from '../model/image-ref.js';
import { DockerConfigCredentials } from './credentials.js';
import { registryBaseUrl } from './endpoint.js';
import { ResolveError } from './errors.js';
import { MANIFEST_ACCEPT, OCI_INDEX } from './media-types.js';
import { checkManifest } from './manifest-check.js';
import { RegistryTransport, type BodyLimit, type BodySink, type HttpAnswer, type TransportOptions } from './transport.js';
import type { Descriptor, FetchedManifest, RegistryClient } from './types.js';

/** distribution and the large registries refuse manifests and indexes above 4 MiB */
const MANIFEST_BODY_BYTES = 4 * 1024 * 1024;
/** blobs Rampart reads are configs, signatures and attestations, never layers */
const BLOB_BODY_BYTES = 64 * 1024 * 1024;

export interface RegistryClientOptions extends TransportOptions {
  /** hosts (HOST or HOST:PORT) reached over plain HTTP */
  readonly insecureRegistries?: readonly string[];
  /**
   * Keep every answer for the client's life (default: one scan or pin run). A long-lived service
   * (the admission webhook) turns this off and caches with lifetimes of its own: tags move.
   */
  readonly memoize?: boolean;
}

/**
 * The OCI Distribution API over HTTP. `resolve` sends HEAD, then GETs the manifest by the digest
 * the registry named and checks the bytes hash to it, so a pinned digest is always one whose
 * content was seen. Each reference is resolved once per client; answers are shared.
 */
export class HttpRegistryClient implements RegistryClient {
  private readonly transport: RegistryTransport;
  private readonly insecure: readonly string[];
  private readonly resolutions = new Map<string, Promise<Descriptor>>();
  private readonly manifests = new Map<string, Promise<FetchedManifest>>();
  private readonly memoize: boolean;

  constructor(options: RegistryClientOptions = {}) {
    this.transport = new RegistryTransport({ credentials: new DockerConfigCredentials(), ...options });
    this.insecure = options.insecureRegistries ?? [];
    this.memoize = options.memoize ?? true;
  }

  get requestCount(): number {
    return this.transport.requestCount;
  }

  resolve(reference: ImageReference): Promise<Descriptor> {
    if (!this.memoize) return this.resolveOnce(reference);
    const key = reference.canonical;
    let pending = this.resolutions.get(key);
    if (!pending) {
      pending = this.resolveOnce(reference);
      this.resolutions.set(key, pending);
    }
    return pending;
  }

  getManifest(reference: ImageReference): Promise<FetchedManifest> {
    if (!this.memoize) return this.fetchManifest(reference, reference.digest ?? reference.tag ?? 'latest');
    const key = `${reference.name}@${reference.digest ?? reference.tag ?? 'latest'}`;
    let pending = this.manifests.get(key);
    if (!pending) {
      pending = this.fetchManifest(reference, reference.digest ?? reference.tag ?? 'latest');
      this.manifests.set(key, pending);
      pending.catch(() => this.manifests.delete(key));
    }
    return pending;
  }

  async getBlob(reference: ImageReference, digest: string): Promise<Buffer> {
    const answer = await this.api(reference, `blobs/${digest}`, 'GET', {}, { bytes: BLOB_BODY_BYTES, what: `blob ${digest} of ${reference.name}` });
    if (answer.status === 404) throw new ResolveError('not-found', `${reference.name} has no blob ${digest}`);
    expectOk(answer, reference, `blob ${digest}`);
    checkDigest(answer.body, digest, `blob ${digest} of ${reference.name}`);
    return answer.body;
  }

  /**
   * Streams blob `digest` into `sink` without buffering it (image layers). The caller hashes what
   * it reads: a stream cannot be checked before it is consumed.
   */
  async streamBlob(reference: ImageReference, digest: string, sink: BodySink): Promise<void> {
    const answer = await this.api(reference, `blobs/${digest}`, 'GET', {}, undefined, sink);
    if (answer.status === 404) throw new ResolveError('not-found', `${reference.name} has no blob ${digest}`);
    expectOk(answer, reference, `blob ${digest}`);
  }

  async referrers(reference: ImageReference, digest: string, artifactType?: string): Promise<Descriptor[]> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const answer = await this.api(reference, `referrers/${digest}${query}`, 'GET', { accept: OCI_INDEX }, { bytes: MANIFEST_BODY_BYTES, what: `the referrers of ${reference.name}@${digest}` });
    let manifests: Descriptor[];
    if (answer.status === 200 && (answer.headers['content-type'] ?? '').startsWith(OCI_INDEX)) {
      manifests = parseIndex(answer.body, reference);
    } else if (answer.status === 404 || answer.status === 400 || answer.status === 405) {
      // no referrers API: the fallback tag `sha256-<hex>` holds an index of referrers, if any
      const tag = digest.replace(':', '-');
      try {
        const fetched = await this.fetchManifest(reference, tag);
        manifests = parseIndex(fetched.body, reference);
      } catch (error) {
        if (error instanceof ResolveError && error.code === 'not-found') return [];
        throw error;
      }
    } else {
      expectOk(answer, reference, `referrers of ${digest}`);
      manifests = [];
    }
    return artifactType ? manifests.filter((descriptor) => descriptor.artifactType === artifactType) : manifests;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async resolveOnce(reference: ImageReference): Promise<Descriptor> {
    const ref = reference.digest ?? reference.tag ?? 'latest';
    const head = await this.api(reference, `manifests/${ref}`, 'HEAD', { accept: MANIFEST_ACCEPT });
    if (head.status === 404) throw notFound(reference);
    const headDigest = head.status === 200 ? head.headers['docker-content-digest'] : undefined;
    if (reference.digest && headDigest && headDigest !== reference.digest) {
      throw new ResolveError('image-digest-mismatch', `${reference.name}@${reference.digest}: the registry answered for ${headDigest}`);
    }
    const fetched = await this.getManifest(headDigest ? { ...reference, digest: headDigest } : reference);
    if (headDigest && fetched.digest !== headDigest) {
      throw new ResolveError('image-digest-mismatch', `${reference.canonical}: the manifest bytes hash to ${fetched.digest}, not ${headDigest} as the registry says`);
    }
    return { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.body.length };
  }

  private async fetchManifest(reference: ImageReference, ref: string): Promise<FetchedManifest> {
    const shown = referenceAt(reference, ref);
    const answer = await this.api(reference, `manifests/${ref}`, 'GET', { accept: MANIFEST_ACCEPT }, { bytes: MANIFEST_BODY_BYTES, what: `the manifest of ${shown}` });
    if (answer.status === 404) throw notFound({ ...reference, canonical: shown });
    expectOk(answer, reference, `manifest ${ref}`);
    const digest = `sha256:${createHash('sha256').update(answer.body).digest('hex')}`;
    const claimed = answer.headers['docker-content-digest'];
    if (claimed && claimed !== digest) {
      throw new ResolveError('image-digest-mismatch', `${shown}: the registry says ${claimed} but the manifest bytes hash to ${digest}`);
    }
    if (ref.startsWith('sha256:') && ref !== digest) {
      throw new ResolveError('image-digest-mismatch', `${shown}: the registry returned a manifest that hashes to ${digest}`);
    }
    return { digest, mediaType: checkManifest(answer.body, answer.headers['content-type'], shown), body: answer.body };
  }

  private api(reference: ImageReference, path: string, method: 'GET' | 'HEAD', headers: Record<string, string>, limit?: BodyLimit, sink?: BodySink): Promise<HttpAnswer> {
    const url = `${registryBaseUrl(reference.registry, this.insecure)}/v2/${reference.repository}/${path}`;
    return this.transport.call(reference.registry, url, method, headers, reference.repository, limit, sink);
  }
}

/** `name:tag` or `name@sha256:…`: how a person writes the reference at `ref`. */
function referenceAt(reference: ImageReference, ref: string): string {
  return `${reference.name}${ref.includes(':') ? '@' : ':'}${ref}`;
}

function notFound(reference: ImageReference): ResolveError {
  return new ResolveError('not-found', `${reference.canonical} was not found in ${reference.registry}`);
}

function expectOk(answer: HttpAnswer, reference: ImageReference, what: string): void {
  if (answer.status === 200) return;
  if (answer.status === 403) throw new ResolveError('unauthorized', `${reference.registry} denied access to ${what} of ${reference.repository}`);
  throw new ResolveError('registry-error', `${reference.registry} answered HTTP ${answer.status} for ${what} of ${reference.repository}`);
}

function checkDigest(body: Buffer, digest: string, what: string): void {
  if (!digest.startsWith('sha256:')) return;
  const actual = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  if (actual !== digest) throw new ResolveError('image-digest-mismatch', `${what}: the bytes hash to ${actual}`);
}

export function parseIndex(body: Buffer, reference: ImageReference): Descriptor[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { manifests?: unknown };
    if (!Array.isArray(parsed.manifests)) return [];
    return parsed.manifests.filter((item): item is Descriptor =>
      typeof item === 'object' && item !== null && typeof (item as Descriptor).digest === 'string');
  } catch {
    throw new ResolveError('registry-error', `${reference.name}: the registry returned an index that is not JSON`);
  }
}
