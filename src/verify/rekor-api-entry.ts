import { X509Certificate } from 'node:crypto';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import { isRecord } from '../is-record.js';

/**
 * One entry as the Rekor v1 API returns it (`GET /api/v1/log/entries/{uuid}`, openapi `LogEntry`):
 * the canonicalized body in base64, the log id in hex, and the SET and inclusion proof under
 * `verification` (proof hashes and root in hex).
 */
export interface RekorApiEntry {
  readonly uuid: string;
  readonly body: string;
  readonly integratedTime: number;
  readonly logID: string;
  readonly logIndex: number;
  readonly signedEntryTimestamp?: string;
  readonly inclusionProof?: {
    readonly logIndex: number;
    readonly rootHash: string;
    readonly treeSize: number;
    readonly hashes: readonly string[];
    readonly checkpoint?: string;
  };
}

/** The parts of a `hashedrekord` v0.0.1 body a gitsign lookup compares. */
export interface HashedRekord {
  readonly digestHex: string;
  readonly signature: Buffer;
  /** DER of the certificate in `publicKey.content`; undefined when it holds a bare key */
  readonly certificate?: Buffer;
}

const HEX = /^[0-9a-f]+$/i;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Reads the `{ "<uuid>": { … } }` answer of an entry lookup; throws on anything else. */
export function readRekorApiEntry(json: unknown, uuid: string): RekorApiEntry {
  const entry = isRecord(json) ? json[uuid] ?? (Object.keys(json).length === 1 ? Object.values(json)[0] : undefined) : undefined;
  if (!isRecord(entry)) throw new Error(`no entry ${uuid} in the answer`);
  const { body, integratedTime, logID, logIndex, verification } = entry;
  if (typeof body !== 'string' || !isCount(integratedTime) || typeof logID !== 'string' || !HEX.test(logID) || !isCount(logIndex)) {
    throw new Error(`entry ${uuid} lacks body, integratedTime, logID or logIndex`);
  }
  const set = isRecord(verification) ? verification['signedEntryTimestamp'] : undefined;
  const proof = isRecord(verification) ? verification['inclusionProof'] : undefined;
  return {
    uuid, body, integratedTime, logID, logIndex,
    ...(typeof set === 'string' ? { signedEntryTimestamp: set } : {}),
    ...(isRecord(proof) ? { inclusionProof: readProof(proof, uuid) } : {}),
  };
}

function readProof(proof: Record<string, unknown>, uuid: string): NonNullable<RekorApiEntry['inclusionProof']> {
  const { logIndex, rootHash, treeSize, hashes, checkpoint } = proof;
  const hexList = Array.isArray(hashes) && hashes.every((hash) => typeof hash === 'string' && HEX.test(hash)) ? (hashes as string[]) : undefined;
  if (!isCount(logIndex) || typeof rootHash !== 'string' || !HEX.test(rootHash) || !isCount(treeSize) || !hexList) {
    throw new Error(`entry ${uuid} has a malformed inclusion proof`);
  }
  return { logIndex, rootHash, treeSize, hashes: hexList, ...(typeof checkpoint === 'string' ? { checkpoint } : {}) };
}

/** Reads a `hashedrekord` v0.0.1 body; throws for other kinds. */
export function readHashedRekord(canonicalBody: Buffer): HashedRekord {
  const body = JSON.parse(canonicalBody.toString('utf8')) as unknown;
  if (!isRecord(body) || body['kind'] !== 'hashedrekord' || body['apiVersion'] !== '0.0.1' || !isRecord(body['spec'])) {
    throw new Error('not a hashedrekord 0.0.1 entry');
  }
  const spec = body['spec'];
  const hash = isRecord(spec['data']) && isRecord(spec['data']['hash']) ? spec['data']['hash'] : {};
  const signature = isRecord(spec['signature']) ? spec['signature'] : {};
  const publicKey = isRecord(signature['publicKey']) ? signature['publicKey']['content'] : undefined;
  if (hash['algorithm'] !== 'sha256' || typeof hash['value'] !== 'string' || typeof signature['content'] !== 'string' || typeof publicKey !== 'string') {
    throw new Error('the hashedrekord entry lacks a sha256 hash, a signature or a public key');
  }
  return {
    digestHex: hash['value'].toLowerCase(),
    signature: Buffer.from(signature['content'], 'base64'),
    ...certificateOf(Buffer.from(publicKey, 'base64').toString('utf8')),
  };
}

function certificateOf(pem: string): { certificate?: Buffer } {
  try {
    return { certificate: new X509Certificate(pem).raw };
  } catch {
    return {};
  }
}

/** The entry in the shape of a bundle's `tlogEntries`, which @sigstore/verify checks (SET, inclusion proof). */
export function toTransparencyLogEntry(entry: RekorApiEntry, kind: { kind: string; version: string }): TransparencyLogEntry {
  const proof = entry.inclusionProof;
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: Buffer.from(entry.logID, 'hex') },
    kindVersion: kind,
    integratedTime: String(entry.integratedTime),
    inclusionPromise: entry.signedEntryTimestamp ? { signedEntryTimestamp: Buffer.from(entry.signedEntryTimestamp, 'base64') } : undefined,
    inclusionProof: proof ? {
      logIndex: String(proof.logIndex),
      rootHash: Buffer.from(proof.rootHash, 'hex'),
      treeSize: String(proof.treeSize),
      hashes: proof.hashes.map((hash) => Buffer.from(hash, 'hex')),
      checkpoint: proof.checkpoint !== undefined ? { envelope: proof.checkpoint } : undefined,
    } : undefined,
    canonicalizedBody: Buffer.from(entry.body, 'base64'),
  };
}
