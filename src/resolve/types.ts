import type { ImageReference } from '../model/image-ref.js';

/** An OCI content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface FetchedManifest {
  /** the sha256 of the exact bytes received, checked against Docker-Content-Digest */
  readonly digest: string;
  readonly mediaType: string;
  readonly body: Buffer;
}

/**
 * The OCI Distribution API as Rampart uses it. `src/resolve/` implements it over HTTP (auth,
 * retries, cache); pin, `scan --resolve` and signature verification all go through it.
 */
export interface RegistryClient {
  /** tag or digest → the top-level manifest digest (an index digest for multi-arch images) */
  resolve(reference: ImageReference): Promise<Descriptor>;
  getManifest(reference: ImageReference): Promise<FetchedManifest>;
  getBlob(reference: ImageReference, digest: string): Promise<Buffer>;
  /** OCI 1.1 referrers of a digest, falling back to the `sha256-<hex>` referrers tag */
  referrers(reference: ImageReference, digest: string, artifactType?: string): Promise<Descriptor[]>;
  /** number of HTTP requests sent so far, for benchmarks and tests */
  readonly requestCount: number;
}
