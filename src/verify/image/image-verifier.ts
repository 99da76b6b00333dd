import type { ImageReference } from '../../model/image-ref.js';
import type { RegistryClient } from '../../resolve/types.js';
import { COSIGN_SIGN_PREDICATE, inTotoStatement, simpleSigningDigest } from './cosign-format.js';
import type { ImagePolicy } from './image-policy.js';
import { legacyCandidates, referrerCandidates, type SignatureCandidate } from './signature-sources.js';
import { verifyBundle, type BundleOutcome, type FailureReason } from './verify-bundle.js';

export interface SignatureCheck {
  readonly source: string;
  readonly outcome: BundleOutcome;
}

export type ImageVerdict =
  | { readonly status: 'verified'; readonly digest: string; readonly signer: string; readonly checks: readonly SignatureCheck[] }
  | { readonly status: 'unsigned'; readonly digest: string; readonly checks: readonly SignatureCheck[] }
  | { readonly status: 'invalid'; readonly digest: string; readonly reason: FailureReason; readonly detail: string; readonly checks: readonly SignatureCheck[] };

/** Most telling first, when several signatures fail for different reasons. */
const REASON_ORDER: readonly FailureReason[] = ['wrong-digest', 'wrong-type', 'untrusted-identity', 'missing-tlog', 'invalid-tlog', 'untrusted-certificate', 'untrusted-key', 'bad-signature', 'malformed'];

/** Verifies image signatures through a registry client; verdicts are cached per digest and policy. */
export class ImageVerifier {
  private readonly cache = new Map<string, Promise<ImageVerdict>>();

  constructor(private readonly client: RegistryClient) {}

  async verify(reference: ImageReference, policy: ImagePolicy): Promise<ImageVerdict> {
    const digest = reference.digest ?? (await this.client.resolve(reference)).digest;
    const key = `${reference.name}@${digest}\0${policy.id}`;
    let verdict = this.cache.get(key);
    if (!verdict) {
      verdict = this.verifyDigest(reference, digest, policy);
      this.cache.set(key, verdict);
    }
    return verdict;
  }

  private async verifyDigest(reference: ImageReference, digest: string, policy: ImagePolicy): Promise<ImageVerdict> {
    const candidates = [
      ...await legacyCandidates(this.client, reference, digest, policy.attestationType ? 'att' : 'sig'),
      ...await referrerCandidates(this.client, reference, digest),
    ];
    const checks = candidates.map((candidate) => ({ source: candidate.source, outcome: this.check(candidate, digest, policy) }));
    // Bundles of the other kind (attestations when checking signatures) are not candidates at all.
    const relevant = checks.filter((check) => check.outcome.ok || check.outcome.reason !== 'wrong-type');
    const verified = relevant.find((check) => check.outcome.ok);
    if (verified?.outcome.ok) return { status: 'verified', digest, signer: verified.outcome.signer, checks };
    if (relevant.length === 0) return { status: 'unsigned', digest, checks };
    const failures = relevant.flatMap((check) => (check.outcome.ok ? [] : [{ ...check.outcome, source: check.source }]));
    failures.sort((a, b) => REASON_ORDER.indexOf(a.reason) - REASON_ORDER.indexOf(b.reason));
    const worst = failures[0];
    return { status: 'invalid', digest, reason: worst?.reason ?? 'bad-signature', detail: `${worst?.detail ?? 'no signature verifies'} (${worst?.source ?? ''})`, checks };
  }

  private check(candidate: SignatureCandidate, digest: string, policy: ImagePolicy): BundleOutcome {
    const { bundle } = candidate;
    if ('error' in bundle) return { ok: false, reason: 'malformed', detail: bundle.error };
    const content = bundle.content;
    let signedDigests: string[];
    let predicateType: string | undefined;
    if (content.$case === 'dsseEnvelope') {
      const statement = inTotoStatement(Buffer.from(content.dsseEnvelope.payload));
      if (!statement) return { ok: false, reason: 'malformed', detail: 'the DSSE payload is not an in-toto statement' };
      signedDigests = statement.subjects;
      predicateType = statement.predicateType;
    } else {
      const signed = candidate.payload && !candidate.signsManifest
        ? simpleSigningDigest(candidate.payload)
        : `sha256:${Buffer.from(content.messageSignature.messageDigest?.digest ?? []).toString('hex')}`;
      signedDigests = signed ? [signed] : [];
    }
    const wantedType = policy.attestationType ?? COSIGN_SIGN_PREDICATE;
    if (predicateType !== undefined && predicateType !== wantedType) return { ok: false, reason: 'wrong-type', detail: `an attestation of type ${predicateType}` };
    if (policy.attestationType && predicateType === undefined) return { ok: false, reason: 'wrong-type', detail: 'a signature, not an attestation' };
    const outcome = verifyBundle(bundle, candidate.payload, policy);
    if (!outcome.ok) return outcome;
    if (!signedDigests.includes(digest)) {
      return { ok: false, reason: 'wrong-digest', detail: `a valid signature for ${signedDigests.join(', ') || 'no digest'}, not for ${digest}` };
    }
    return outcome;
  }
}
