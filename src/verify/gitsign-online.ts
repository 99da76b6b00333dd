import { createHash } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import type { UntrustedReason } from './commit-verifier.js';
import { readHashedRekord, toTransparencyLogEntry, type HashedRekord, type RekorApiEntry } from './rekor-api-entry.js';
import { RekorUnavailableError, type RekorSearch } from './rekor-search.js';

/** More entries for one commit id are noise (anyone may log that hash with their own key). */
const MAX_CANDIDATES = 16;

/** What Rekor logged for an online-mode signature, as a bundle @sigstore/verify checks against `artifact`. */
export interface OnlineEntry {
  readonly bundle: Bundle;
  readonly artifact: Buffer;
}

export type OnlineLookup =
  | { readonly found: true; readonly entry: OnlineEntry }
  | { readonly found: false; readonly reason: UntrustedReason; readonly detail: string };

/**
 * gitsign's default online mode (`LegacySHASign`, docs/verification.md) signs the object's id — the
 * hex commit (or tag) SHA that git computes with the signature in place — a second time with the
 * same key, and logs a hashedrekord of sha256(that hex string) without embedding the entry. Its
 * verifier (pkg/rekor `Verify`) searches Rekor and takes the first entry whose hash is that digest
 * and whose certificate is the signing certificate; so does this.
 */
export async function lookUpOnlineEntry(objectId: string, certificate: Buffer, rekor: RekorSearch, who: string): Promise<OnlineLookup> {
  const artifact = Buffer.from(objectId.toLowerCase(), 'ascii');
  const digestHex = createHash('sha256').update(artifact).digest('hex');
  const where = `Rekor at ${rekor.baseUrl}`;
  const unverifiable = (detail: string): OnlineLookup => ({ found: false, reason: 'unverifiable', detail });
  let uuids: string[];
  try {
    uuids = await rekor.uuidsForDigest(digestHex);
  } catch (error) {
    if (error instanceof RekorUnavailableError) return unverifiable(`gitsign signature by ${who} (online mode): its Rekor entry could not be looked up: ${error.message}`);
    throw error;
  }
  if (uuids.length === 0) {
    return unverifiable(`gitsign signature by ${who} (online mode): ${where} has no entry for ${objectId} (sha256 ${digestHex.slice(0, 16)}…); it was never logged there`);
  }
  const fetched = await Promise.allSettled(uuids.slice(0, MAX_CANDIDATES).map((uuid) => rekor.entry(uuid)));
  let otherSigners = 0;
  for (const result of fetched) {
    if (result.status === 'rejected') continue;
    const record = hashedRekordOf(result.value);
    if (record?.digestHex !== digestHex) continue;
    if (!record.certificate?.equals(certificate)) {
      otherSigners += 1;
      continue;
    }
    return { found: true, entry: { artifact, bundle: onlineBundle(result.value, record, digestHex, certificate) } };
  }
  const failed = fetched.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    if (!(failed.reason instanceof RekorUnavailableError)) throw failed.reason;
    return unverifiable(`gitsign signature by ${who} (online mode): its Rekor entry could not be read: ${failed.reason.message}`);
  }
  const others = otherSigners > 0 ? `, only ${otherSigners} by other certificates` : '';
  return unverifiable(`gitsign signature by ${who} (online mode): ${where} has no entry for ${objectId} made with the signing certificate${others}`);
}

function hashedRekordOf(entry: RekorApiEntry): HashedRekord | undefined {
  try {
    return readHashedRekord(Buffer.from(entry.body, 'base64'));
  } catch {
    return undefined;
  }
}

/** As gitsign's compat.OnlineBundle: the artifact is the object id, the signature the one Rekor logged over it. */
function onlineBundle(entry: RekorApiEntry, record: HashedRekord, digestHex: string, certificate: Buffer): Bundle {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      content: { $case: 'certificate', certificate: { rawBytes: certificate } },
      tlogEntries: [toTransparencyLogEntry(entry, { kind: 'hashedrekord', version: '0.0.1' })],
      timestampVerificationData: undefined,
    },
    content: {
      $case: 'messageSignature',
      messageSignature: { messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: Buffer.from(digestHex, 'hex') }, signature: record.signature },
    },
  };
}
