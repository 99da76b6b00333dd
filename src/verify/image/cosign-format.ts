import { createHash } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';

/** What cosign writes: media types, annotations and tag suffixes of signatures and attestations. */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
export const SIGSTORE_BUNDLE_ARTIFACT_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** predicate type of image signatures in the Sigstore bundle format */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

export { ATTESTATION_TYPES } from './attestation-types.js';

/** `sha256:<hex>` → the legacy tag `sha256-<hex>.sig` (or `.att`). */
export function legacyTag(digest: string, suffix: 'sig' | 'att'): string {
  return `${digest.replace(':', '-')}.${suffix}`;
}

/** The Rekor bundle cosign stores in an annotation: the SET and the entry it signs. */
interface RekorAnnotation {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

function tlogEntriesOf(annotations: Readonly<Record<string, string>>): unknown[] {
  const raw = annotations[REKOR_BUNDLE_ANNOTATION];
  if (!raw) return [];
  let rekor: RekorAnnotation;
  try {
    rekor = JSON.parse(raw) as RekorAnnotation;
  } catch {
    throw new Error(`the ${REKOR_BUNDLE_ANNOTATION} annotation is not JSON`);
  }
  const body = JSON.parse(Buffer.from(rekor.Payload.body, 'base64').toString('utf8')) as { kind?: string; apiVersion?: string };
  return [{
    logIndex: String(rekor.Payload.logIndex),
    logId: { keyId: Buffer.from(rekor.Payload.logID, 'hex').toString('base64') },
    kindVersion: { kind: body.kind ?? '', version: body.apiVersion ?? '' },
    integratedTime: String(rekor.Payload.integratedTime),
    inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
    canonicalizedBody: rekor.Payload.body,
  }];
}

function verificationMaterialOf(annotations: Readonly<Record<string, string>>): Record<string, unknown> {
  const certificate = annotations[CERTIFICATE_ANNOTATION];
  const material: Record<string, unknown> = certificate
    ? { x509CertificateChain: { certificates: [certificate, ...pemBlocks(annotations[CHAIN_ANNOTATION] ?? '')].map((pem) => ({ rawBytes: pemToDer(pem).toString('base64') })) } }
    : { publicKey: { hint: '' } };
  return { ...material, tlogEntries: tlogEntriesOf(annotations), timestampVerificationData: { rfc3161Timestamps: [] } };
}

/** A legacy `.sig` layer as a v0.1 Sigstore bundle over the simple-signing payload, as sigstore-go converts it. */
export function legacySignatureBundle(payload: Buffer, annotations: Readonly<Record<string, string>>): Bundle {
  const signature = annotations[SIGNATURE_ANNOTATION];
  if (!signature) throw new Error(`the layer has no ${SIGNATURE_ANNOTATION} annotation`);
  return bundleFromJSON({
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: verificationMaterialOf(annotations),
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') },
      signature,
    },
  });
}

/** A legacy `.att` layer (a DSSE envelope) as a v0.1 bundle. */
export function legacyAttestationBundle(envelope: Buffer, annotations: Readonly<Record<string, string>>): Bundle {
  const parsed = JSON.parse(envelope.toString('utf8')) as { payload?: string; payloadType?: string; signatures?: Array<{ sig?: string; keyid?: string }> };
  return bundleFromJSON({
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: verificationMaterialOf(annotations),
    dsseEnvelope: {
      payload: parsed.payload ?? '',
      payloadType: parsed.payloadType ?? '',
      signatures: (parsed.signatures ?? []).slice(0, 1).map((entry) => ({ sig: entry.sig ?? '', keyid: entry.keyid ?? '' })),
    },
  });
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** The image digest a simple-signing payload signs, or undefined when the payload is not one. */
export function simpleSigningDigest(payload: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { critical?: { image?: Record<string, unknown>; type?: unknown } };
    const digest = parsed.critical?.image?.['docker-manifest-digest'];
    return typeof digest === 'string' ? digest : undefined;
  } catch {
    return undefined;
  }
}

/** An in-toto statement's predicate type and subject digests (`sha256:<hex>`). */
export function inTotoStatement(payload: Buffer): { predicateType: string; subjects: string[] } | undefined {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { predicateType?: unknown; subject?: Array<{ digest?: Record<string, string> }> };
    if (typeof parsed.predicateType !== 'string') return undefined;
    const subjects = (parsed.subject ?? []).flatMap((subject) => Object.entries(subject.digest ?? {}).map(([algorithm, hex]) => `${algorithm}:${hex}`));
    return { predicateType: parsed.predicateType, subjects };
  } catch {
    return undefined;
  }
}
