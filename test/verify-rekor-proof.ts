import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { canonicalJson, logEntry } from './verify-sigstore-pki.js';

/**
 * A Rekor log for tests that proves inclusion the way Sigstore bundles v0.2/v0.3 carry it: an RFC
 * 6962 Merkle tree over every entry logged so far, the audit path of one leaf, and a checkpoint
 * (a signed note, as rekor's pkg/util/checkpoint.go and signed_note.go write it) over the root.
 */

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const spki = (key: KeyObject): Buffer => (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' });

/** RFC 6962 §2.1: leaves and interior nodes are hashed with different prefixes, so one cannot pass for the other. */
export const leafHash = (entry: Buffer): Buffer => sha256(Buffer.from([0x00]), entry);
const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.from([0x01]), left, right);

/** The largest power of two smaller than n (n > 1): where RFC 6962 splits a tree. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes. */
export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] ?? Buffer.alloc(0);
  const k = split(leaves.length);
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/** PATH(m, D[n]): sibling hashes from the leaf up to the root. */
export function auditPath(index: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return index < k
    ? [...auditPath(index, leaves.slice(0, k)), merkleRoot(leaves.slice(k))]
    : [...auditPath(index - k, leaves.slice(k)), merkleRoot(leaves.slice(0, k))];
}

/** A bundle `tlogEntries` item in protobuf JSON. */
export interface TlogEntryJson {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime: string;
  inclusionPromise?: { signedEntryTimestamp: string };
  inclusionProof: { logIndex: string; rootHash: string; treeSize: string; hashes: string[]; checkpoint: { envelope: string } };
  canonicalizedBody: string;
}

export interface RekorProofLog {
  /** the signer name of checkpoints; it must match the log's baseUrl in the trusted root */
  readonly hostname: string;
  /** this log's item for the `tlogs` of trusted_root.json */
  readonly trustedLog: Record<string, unknown>;
  /** Logs `body` after a few other entries; its tlog entry always has an inclusion proof, and a SET when `promise`. */
  append(body: Record<string, unknown>, options?: { promise?: boolean }): TlogEntryJson;
  /** A signed checkpoint for a tree, by this log's key unless `signer` is given. */
  checkpoint(treeSize: number, rootHash: Buffer, signer?: KeyObject): string;
}

const TREE_ID = '1193050959916656506';

/**
 * Rekor's signed note: `<origin>\n<size>\n<base64 root>\n`, a blank line, then one line per
 * signature, `— <name> <base64(key hint || signature)>`; the key hint is the first 4 bytes of
 * SHA-256 over the signer's PKIX public key and the signature (ECDSA, SHA-256) covers the note text.
 */
export function signedCheckpoint(hostname: string, treeSize: number, rootHash: Buffer, signer: KeyObject): string {
  const note = `${hostname} - ${TREE_ID}\n${treeSize}\n${rootHash.toString('base64')}\n`;
  const keyHint = sha256(spki(signer)).subarray(0, 4);
  const signature = sign('sha256', Buffer.from(note), signer);
  return `${note}\n\u2014 ${hostname} ${Buffer.concat([keyHint, signature]).toString('base64')}\n`;
}

export function createRekorProofLog(hostname = 'rekor-proof.test'): RekorProofLog {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const logId = sha256(spki(publicKey));
  const leaves: Buffer[] = [];
  const checkpoint = (treeSize: number, rootHash: Buffer, signer?: KeyObject): string =>
    signedCheckpoint(hostname, treeSize, rootHash, signer ?? privateKey);

  function append(body: Record<string, unknown>, options: { promise?: boolean } = {}): TlogEntryJson {
    // Other entries before and after, so the proof has inner and border hashes (an uneven tree).
    for (let filler = 0; filler < 3; filler += 1) leaves.push(leafHash(Buffer.from(canonicalJson({ filler: leaves.length }))));
    const canonical = Buffer.from(canonicalJson(body));
    const index = leaves.length;
    leaves.push(leafHash(canonical));
    leaves.push(leafHash(Buffer.from(canonicalJson({ filler: leaves.length }))));
    const rootHash = merkleRoot(leaves);
    const integratedTime = Math.floor(Date.now() / 1000);
    const entry: TlogEntryJson = {
      logIndex: String(index),
      logId: { keyId: logId.toString('base64') },
      kindVersion: { kind: String(body['kind']), version: String(body['apiVersion']) },
      integratedTime: String(integratedTime),
      inclusionProof: {
        logIndex: String(index),
        rootHash: rootHash.toString('base64'),
        treeSize: String(leaves.length),
        hashes: auditPath(index, leaves).map((hash) => hash.toString('base64')),
        checkpoint: { envelope: checkpoint(leaves.length, rootHash) },
      },
      canonicalizedBody: canonical.toString('base64'),
    };
    if (options.promise) {
      const payload = { body: entry.canonicalizedBody, integratedTime, logIndex: index, logID: logId.toString('hex') };
      entry.inclusionPromise = { signedEntryTimestamp: sign('sha256', Buffer.from(canonicalJson(payload)), privateKey).toString('base64') };
    }
    return entry;
  }

  return { hostname, trustedLog: logEntry(publicKey, `https://${hostname}`), append, checkpoint };
}

/** The Rekor `dsse` v0.0.1 entry body of a DSSE envelope signed by `verifierPem`. */
export function dsseEntryBody(envelope: { payload: string; signatures: ReadonlyArray<{ sig: string }> }, verifierPem: string): Record<string, unknown> {
  const payload = Buffer.from(envelope.payload, 'base64');
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: createHash('sha256').update(JSON.stringify(envelope)).digest('hex') },
      payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
      signatures: envelope.signatures.map((signature) => ({ signature: signature.sig, verifier: Buffer.from(verifierPem).toString('base64') })),
    },
  };
}
