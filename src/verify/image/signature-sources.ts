import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import type { ImageReference } from '../../model/image-ref.js';
import { isNotFound, ResolveError } from '../../resolve/errors.js';
import type { Descriptor, RegistryClient } from '../../resolve/types.js';
import { DSSE_MEDIA_TYPE, legacyAttestationBundle, legacySignatureBundle, legacyTag, SIGSTORE_BUNDLE_ARTIFACT_TYPE, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign-format.js';

/** One signature (or attestation) found for an image, ready to verify. */
export interface SignatureCandidate {
  readonly source: string;
  /** the bundle, or why the stored signature could not be read */
  readonly bundle: Bundle | { readonly error: string };
  /** the signed bytes of a message signature (simple-signing payload); DSSE carries its own */
  readonly payload?: Buffer;
  /** the message signature signs the image manifest itself (a bundle referrer) */
  readonly signsManifest?: boolean;
}

interface Manifest {
  readonly layers?: ReadonlyArray<Descriptor>;
}

function parseManifest(body: Buffer): Manifest {
  try {
    return JSON.parse(body.toString('utf8')) as Manifest;
  } catch {
    return {};
  }
}

/** Signatures under cosign's tag scheme: `sha256-<hex>.sig` (or `.att`), one layer per signature. */
export async function legacyCandidates(client: RegistryClient, reference: ImageReference, digest: string, kind: 'sig' | 'att'): Promise<SignatureCandidate[]> {
  const tag = legacyTag(digest, kind);
  let manifest;
  try {
    manifest = await client.getManifest(atTag(reference, tag));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const wanted = kind === 'sig' ? SIMPLE_SIGNING_MEDIA_TYPE : DSSE_MEDIA_TYPE;
  const candidates: SignatureCandidate[] = [];
  for (const [index, layer] of (parseManifest(manifest.body).layers ?? []).entries()) {
    if (layer.mediaType !== wanted) continue;
    const source = `${tag} layer ${index}`;
    // getBlob checks the bytes against the layer digest, so the payload is the one the manifest names.
    const blob = await blobOrMismatch(client, reference, layer.digest);
    if (!blob) {
      candidates.push({ source, bundle: { error: `the signature payload does not match its digest ${layer.digest}` } });
      continue;
    }
    try {
      const annotations = layer.annotations ?? {};
      candidates.push(kind === 'sig'
        ? { source, bundle: legacySignatureBundle(blob, annotations), payload: blob }
        : { source, bundle: legacyAttestationBundle(blob, annotations) });
    } catch (error) {
      candidates.push({ source, bundle: { error: error instanceof Error ? error.message : String(error) } });
    }
  }
  return candidates;
}

/** Sigstore bundles attached as OCI 1.1 referrers (or through the referrers fallback tag). */
export async function referrerCandidates(client: RegistryClient, reference: ImageReference, digest: string): Promise<SignatureCandidate[]> {
  const referrers = await client.referrers(withoutTag(reference), digest, SIGSTORE_BUNDLE_ARTIFACT_TYPE);
  const candidates: SignatureCandidate[] = [];
  for (const referrer of referrers) {
    const source = `referrer ${referrer.digest}`;
    const manifest = await client.getManifest({ ...withoutTag(reference), digest: referrer.digest });
    const layer = parseManifest(manifest.body).layers?.[0];
    if (!layer) {
      candidates.push({ source, bundle: { error: 'the referrer manifest has no layer' } });
      continue;
    }
    const blob = await blobOrMismatch(client, reference, layer.digest);
    if (!blob) {
      candidates.push({ source, bundle: { error: `the bundle does not match its digest ${layer.digest}` } });
      continue;
    }
    try {
      const bundle = bundleFromJSON(JSON.parse(blob.toString('utf8')));
      if (bundle.content.$case === 'messageSignature') {
        const image = await client.getManifest({ ...withoutTag(reference), digest });
        candidates.push({ source, bundle, payload: image.body, signsManifest: true });
      } else {
        candidates.push({ source, bundle });
      }
    } catch (error) {
      candidates.push({ source, bundle: { error: `not a Sigstore bundle: ${error instanceof Error ? error.message : String(error)}` } });
    }
  }
  return candidates;
}

/** A blob, or undefined when the registry served bytes that do not hash to the digest. */
async function blobOrMismatch(client: RegistryClient, reference: ImageReference, digest: string): Promise<Buffer | undefined> {
  try {
    return await client.getBlob(reference, digest);
  } catch (error) {
    if (error instanceof ResolveError && error.code === 'image-digest-mismatch') return undefined;
    throw error;
  }
}

function atTag(reference: ImageReference, tag: string): ImageReference {
  const { digest: _digest, ...rest } = reference;
  return { ...rest, tag, canonical: `${reference.name}:${tag}` };
}

function withoutTag(reference: ImageReference): ImageReference {
  const { tag: _tag, ...rest } = reference;
  return rest;
}
