import { createHash, sign, type KeyObject } from 'node:crypto';
import { pushBlob, putManifest, type LocalRegistry } from './helpers/registry.js';

/**
 * Signs images the way cosign stores them: the simple-signing payload bytes cosign marshals, one
 * layer per signature under the `sha256-<hex>.sig` tag, the signature (and certificate, Rekor
 * bundle) in layer annotations; and Sigstore bundles attached as referrers.
 */
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** Byte for byte what `cosign sign` signs (Go's encoding/json of payload.SimpleContainerImage). */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  return Buffer.from(`{"critical":{"identity":{"docker-reference":"${dockerReference}"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`);
}

/** ECDSA / RSA sign SHA-256, Ed25519 the message itself, as sigstore's signers do; base64 like the annotation. */
export function signBytes(privateKey: KeyObject, payload: Buffer): string {
  const algorithm = privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return sign(algorithm, payload, privateKey).toString('base64');
}

export interface SignatureLayer {
  readonly payload: Buffer;
  readonly annotations: Readonly<Record<string, string>>;
  readonly mediaType?: string;
}

async function pushArtifactManifest(registry: LocalRegistry, repository: string, tag: string, layers: readonly SignatureLayer[], extra: Record<string, unknown> = {}): Promise<{ digest: string; size: number }> {
  const descriptors = [];
  const diffIds = [];
  for (const layer of layers) {
    const digest = await pushBlob(registry, repository, layer.payload);
    diffIds.push(digest);
    descriptors.push({ mediaType: layer.mediaType ?? 'application/vnd.dev.cosign.simplesigning.v1+json', size: layer.payload.length, digest, annotations: layer.annotations });
  }
  const config = Buffer.from(JSON.stringify({ architecture: '', created: '0001-01-01T00:00:00Z', history: [{ created: '0001-01-01T00:00:00Z' }], os: '', rootfs: { type: 'layers', diff_ids: diffIds }, config: {} }));
  const configDigest = await pushBlob(registry, repository, config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...extra,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: configDigest },
    layers: descriptors,
  }));
  const pushed = await putManifest(registry, repository, tag, manifest, OCI_MANIFEST);
  return { digest: pushed.digest, size: pushed.size };
}

/** Writes the `.sig` (or `.att`) tag of an image digest with these layers, replacing what was there. */
export async function pushLegacySignatures(registry: LocalRegistry, repository: string, imageDigest: string, layers: readonly SignatureLayer[], suffix: 'sig' | 'att' = 'sig'): Promise<void> {
  await pushArtifactManifest(registry, repository, `${imageDigest.replace(':', '-')}.${suffix}`, layers);
}

/**
 * Attaches a Sigstore bundle as an OCI 1.1 referrer. Debian's registry has no referrers API, so the
 * fallback tag `sha256-<hex>` gets an index of the referrers, as cosign and oras write it.
 */
export async function pushBundleReferrer(registry: LocalRegistry, repository: string, image: { digest: string; mediaType: string; size: number }, bundle: unknown): Promise<void> {
  const artifactType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  const referrer = await pushArtifactManifest(registry, repository, `bundle-${createHash('sha256').update(JSON.stringify(bundle)).digest('hex').slice(0, 12)}`, [
    { payload: Buffer.from(JSON.stringify(bundle)), annotations: {}, mediaType: artifactType },
  ], { artifactType, subject: { mediaType: image.mediaType, digest: image.digest, size: image.size } });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, artifactType, digest: referrer.digest, size: referrer.size }] }));
  await putManifest(registry, repository, image.digest.replace(':', '-'), index, OCI_INDEX);
}

/** A v0.3 bundle holding a DSSE envelope of an in-toto statement about `digest`. */
export function dsseBundle(privateKey: KeyObject, digest: string, predicateType: string, predicate: unknown, verificationMaterial: Record<string, unknown> = { publicKey: { hint: '' } }): unknown {
  const statement = Buffer.from(JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'image', digest: { sha256: digest.replace('sha256:', '') } }],
    predicateType,
    predicate,
  }));
  const payloadType = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${statement.length} `), statement]);
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { ...verificationMaterial, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: statement.toString('base64'), payloadType, signatures: [{ sig: signBytes(privateKey, pae), keyid: '' }] },
  };
}
