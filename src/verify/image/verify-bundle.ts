import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, VerificationError, Verifier, type SignedEntity } from '@sigstore/verify';
import type { ImagePolicy } from './image-policy.js';
import { inclusionProofMismatch } from './tlog-proof.js';

export type FailureReason = 'bad-signature' | 'untrusted-key' | 'untrusted-identity' | 'missing-tlog' | 'invalid-tlog' | 'untrusted-certificate' | 'wrong-digest' | 'wrong-type' | 'malformed';

export type BundleOutcome =
  | { readonly ok: true; readonly signer: string }
  | { readonly ok: false; readonly reason: FailureReason; readonly detail: string };

const EMPTY_ROOT: TrustedRoot = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };

/** Message signatures checked with the digest each key type needs (Ed25519 signs the message itself). */
function withKeyAwareSignature(entity: SignedEntity, artifact: Buffer | undefined, signatureBytes: Buffer | undefined): SignedEntity {
  if (!artifact || !signatureBytes) return entity;
  const content = entity.signature;
  return {
    ...entity,
    signature: {
      signature: content.signature,
      compareSignature: (signature) => content.compareSignature(signature),
      compareDigest: (digest) => content.compareDigest(digest),
      verifySignature: (key: KeyObject) => {
        try {
          const algorithm = key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
          return cryptoVerify(algorithm, artifact, key, signatureBytes);
        } catch {
          return false;
        }
      },
    },
  };
}

type Failure = Extract<BundleOutcome, { ok: false }>;

function reasonOf(error: unknown, keyless: boolean): Failure {
  if (!(error instanceof VerificationError)) return { ok: false, reason: 'malformed', detail: error instanceof Error ? error.message : String(error) };
  const detail = error.message;
  const noTlogEntry: Failure = { ok: false, reason: 'missing-tlog', detail: `no transparency log entry (${detail}); pass --insecure-ignore-tlog to accept key-based signatures without one` };
  switch (error.code) {
    case 'SIGNATURE_ERROR': return { ok: false, reason: keyless ? 'bad-signature' : 'untrusted-key', detail: keyless ? 'the signature does not verify with its certificate' : 'the signature does not verify with the given key(s): another key signed it, or the payload was altered' };
    case 'TIMESTAMP_ERROR':
      return keyless
        ? { ok: false, reason: 'missing-tlog', detail: `no verified signing time (${detail}): a certificate signature needs a Rekor signed entry timestamp (inclusion promise) or an RFC 3161 timestamp; an inclusion proof alone does not date it` }
        : noTlogEntry;
    case 'TLOG_ERROR': return noTlogEntry;
    case 'TLOG_INCLUSION_PROOF_ERROR': return { ok: false, reason: 'invalid-tlog', detail: `the Rekor inclusion proof does not verify: ${detail} (the audit path must lead to the root of a checkpoint signed by a log of the trusted root)` };
    case 'TLOG_INCLUSION_PROMISE_ERROR': return { ok: false, reason: 'invalid-tlog', detail: `the Rekor signed entry timestamp does not verify: ${detail} (it must be signed by a log of the trusted root)` };
    case 'TLOG_BODY_ERROR': return { ok: false, reason: 'invalid-tlog', detail: `the transparency log entry records another signature: ${detail}` };
    case 'CERTIFICATE_ERROR':
    case 'PUBLIC_KEY_ERROR': return { ok: false, reason: 'untrusted-certificate', detail };
    default:
      if (error.code.startsWith('TLOG')) return { ok: false, reason: 'invalid-tlog', detail: `the transparency log entry does not verify: ${detail}` };
      return { ok: false, reason: 'bad-signature', detail };
  }
}

function identityProblem(policy: ImagePolicy, subject: string | undefined, issuer: string | undefined): string | undefined {
  const wanted = policy.identity;
  if (!wanted) return undefined;
  if (wanted.subject !== undefined && subject !== wanted.subject) return `signed by ${subject ?? 'no identity'}, not ${wanted.subject}`;
  if (wanted.subjectRegexp && !wanted.subjectRegexp.test(subject ?? '')) return `signed by ${subject ?? 'no identity'}, which does not match ${wanted.subjectRegexp.source}`;
  if (wanted.issuer !== undefined && issuer !== wanted.issuer) return `issuer ${issuer ?? 'none'}, not ${wanted.issuer}`;
  if (wanted.issuerRegexp && !wanted.issuerRegexp.test(issuer ?? '')) return `issuer ${issuer ?? 'none'} does not match ${wanted.issuerRegexp.source}`;
  return undefined;
}

/**
 * Verifies a Sigstore bundle with @sigstore/verify under the policy: key-based against each given
 * key, keyless against the trusted root (Fulcio chain, SCT, Rekor) and then the identity.
 * `artifact` is the signed payload of message signatures.
 */
export function verifyBundle(bundle: Bundle, artifact: Buffer | undefined, policy: ImagePolicy): BundleOutcome {
  const material = bundle.verificationMaterial.content;
  const keyless = material.$case !== 'publicKey';
  const signatureBytes = bundle.content.$case === 'messageSignature' ? Buffer.from(bundle.content.messageSignature.signature) : undefined;
  let entity: SignedEntity;
  try {
    entity = withKeyAwareSignature(toSignedEntity(bundle, artifact), artifact, signatureBytes);
  } catch (error) {
    return { ok: false, reason: 'malformed', detail: `unreadable signature bundle: ${error instanceof Error ? error.message : String(error)}` };
  }
  const proofMismatch = policy.ignoreTlog && !keyless ? undefined : inclusionProofMismatch(bundle);
  if (keyless) {
    if (!policy.identity || !policy.trustedRoot) return { ok: false, reason: 'untrusted-key', detail: 'a keyless (certificate) signature, but no identity is trusted' };
    if (proofMismatch) return { ok: false, reason: 'invalid-tlog', detail: proofMismatch };
    try {
      const signer = new Verifier(toTrustMaterial(policy.trustedRoot)).verify(entity);
      const subject = signer.identity?.subjectAlternativeName;
      const issuer = signer.identity?.extensions?.issuer;
      const problem = identityProblem(policy, subject, issuer);
      return problem ? { ok: false, reason: 'untrusted-identity', detail: problem } : { ok: true, signer: `${subject ?? '?'} (issuer ${issuer ?? '?'})` };
    } catch (error) {
      return reasonOf(error, true);
    }
  }
  if (policy.keys.length === 0) return { ok: false, reason: 'untrusted-key', detail: 'a key-based signature, but only a keyless identity is trusted' };
  // The key is chosen by the signature itself, so a wrong key is told apart from a missing log entry.
  const signing = policy.keys.find(({ key }) => entity.signature.verifySignature(key));
  if (!signing) return reasonOf(new VerificationError({ code: 'SIGNATURE_ERROR', message: 'no key verifies the signature' }), false);
  if (proofMismatch) return { ok: false, reason: 'invalid-tlog', detail: proofMismatch };
  const checked = policy.ignoreTlog ? { ...entity, tlogEntries: [], timestamps: [] } : entity;
  // A key has no validity period, so no signing time is needed: an entry with only an inclusion
  // proof (no SET, as Rekor v2 and bundles v0.2+ may carry) proves the signature was logged.
  const thresholds = policy.ignoreTlog ? { tlogThreshold: 0, timestampThreshold: 0, ctlogThreshold: 0 } : { timestampThreshold: 0, ctlogThreshold: 0 };
  const trust = toTrustMaterial(policy.trustedRoot ?? EMPTY_ROOT, () => ({ publicKey: signing.key, validFor: () => true }));
  try {
    new Verifier(trust, thresholds).verify(checked);
    return { ok: true, signer: `key ${signing.name}` };
  } catch (error) {
    return reasonOf(error, false);
  }
}
