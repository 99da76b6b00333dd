import type { ImageReference } from '../model/image-ref.js';
import type { RegistryClient } from '../resolve/types.js';
import type { ImagePolicy } from '../verify/image/image-policy.js';
import { ImageVerifier, type ImageVerdict } from '../verify/image/image-verifier.js';
import type { ImagePolicies } from '../verify/image/scan-policies.js';
import type { ImageVerifySession } from '../verify/image/verify-session.js';
import { TtlCache } from './ttl-cache.js';

export interface CacheLifetimes {
  /** tag → digest: a tag may move, so briefly (ms) */
  readonly tag: number;
  /** a verified digest under a policy: the bytes a digest names never change (ms) */
  readonly verified: number;
  /** unsigned or invalid: a signature may be pushed after the image (ms) */
  readonly rejected: number;
  /** registry unreachable or erroring (ms) */
  readonly failure: number;
}

export const DEFAULT_LIFETIMES: CacheLifetimes = { tag: 5 * 60_000, verified: 24 * 3_600_000, rejected: 60_000, failure: 10_000 };
const MAX_ENTRIES = 10_000;

export type CacheName = 'tag' | 'verdict';

/**
 * Image signature checks for the admission webhook: the same verifier as `scan --verify`, with
 * tag→digest and verdict caches so a warm request never touches the network.
 */
export class CachedImageChecks implements ImageVerifySession {
  private readonly digests: TtlCache<string>;
  private readonly verdicts: TtlCache<ImageVerdict>;

  constructor(
    private readonly client: RegistryClient,
    private readonly policies: ImagePolicies,
    private readonly lifetimes: CacheLifetimes = DEFAULT_LIFETIMES,
    private readonly onLookup: (cache: CacheName, hit: boolean) => void = () => undefined,
    now: () => number = Date.now,
  ) {
    this.digests = new TtlCache(MAX_ENTRIES, now);
    this.verdicts = new TtlCache(MAX_ENTRIES, now);
  }

  policyFor(imageName: string): ImagePolicy | undefined {
    return this.policies.policyFor(imageName);
  }

  async verify(reference: ImageReference, policy: ImagePolicy): Promise<ImageVerdict> {
    const digest = reference.digest ?? (await this.digestOf(reference));
    const pinned = { ...reference, digest };
    const { value, hit } = this.verdicts.get(
      `${reference.name}@${digest}\0${policy.id}`,
      () => new ImageVerifier(this.client).verify(pinned, policy),
      (verdict) => (verdict.status === 'verified' ? this.lifetimes.verified : this.lifetimes.rejected),
      this.lifetimes.failure,
    );
    this.onLookup('verdict', hit);
    return value;
  }

  private digestOf(reference: ImageReference): Promise<string> {
    const { value, hit } = this.digests.get(
      `${reference.name}:${reference.tag ?? 'latest'}`,
      async () => (await this.client.resolve(reference)).digest,
      () => this.lifetimes.tag,
      this.lifetimes.failure,
    );
    this.onLookup('tag', hit);
    return value;
  }
}
