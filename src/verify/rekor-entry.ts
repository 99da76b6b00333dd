import { createHash, X509Certificate } from 'node:crypto';
import type { TransparencyLogEntry } from '@sigstore/bundle';

/**
 * Decodes a protobuf `dev.sigstore.rekor.v1.TransparencyLogEntry` (sigstore/protobuf-specs
 * sigstore_rekor.proto): @sigstore/protobuf-specs only reads its JSON form. Unknown fields are skipped.
 */
export function decodeTransparencyLogEntry(bytes: Buffer): Omit<TransparencyLogEntry, 'canonicalizedBody'> {
  const entry = fields(bytes);
  const logId = entry.message(2);
  const kindVersion = entry.message(3);
  const promise = entry.message(5);
  const proof = entry.message(6);
  if (!logId || !kindVersion) throw new Error('the Rekor entry has no log id or kind');
  const checkpoint = proof?.message(5);
  return {
    logIndex: entry.int(1),
    logId: { keyId: logId.bytes(1) },
    kindVersion: { kind: kindVersion.text(1), version: kindVersion.text(2) },
    integratedTime: entry.int(4),
    inclusionPromise: promise ? { signedEntryTimestamp: promise.bytes(1) } : undefined,
    inclusionProof: proof ? {
      logIndex: proof.int(1),
      rootHash: proof.bytes(2),
      treeSize: proof.int(3),
      hashes: proof.all(4),
      checkpoint: checkpoint ? { envelope: checkpoint.text(1) } : undefined,
    } : undefined,
  };
}

/**
 * The body Rekor logged for gitsign's upload (pkg/rekor `WriteMessage`, internal/rekor/oid
 * `ToLogEntry`): a hashedrekord v0.0.1 of sha256(artifact), the signature and the certificate as
 * Go's PEM, in canonical JSON (sorted keys, no spaces). gitsign drops it from the stored entry.
 */
export function hashedRekordBody(artifact: Buffer, signature: Buffer, certificate: Buffer): Buffer {
  const pem = new X509Certificate(certificate).toString();
  const body = {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(artifact).digest('hex') } },
      signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(goPem(pem)).toString('base64') } },
    },
  };
  return Buffer.from(JSON.stringify(body));
}

/** `encoding/pem`: 64-column lines and a final newline. */
function goPem(pem: string): string {
  const base64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${(base64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

interface Fields {
  int(number: number): string;
  bytes(number: number): Buffer;
  text(number: number): string;
  all(number: number): Buffer[];
  message(number: number): Fields | undefined;
}

function fields(bytes: Buffer): Fields {
  const values = new Map<number, Array<bigint | Buffer>>();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (offset >= bytes.length || shift > 63n) throw new Error('truncated protobuf varint');
      const byte = bytes[offset++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (offset < bytes.length) {
    const key = Number(varint());
    const [number, wireType] = [key >>> 3, key & 7];
    let value: bigint | Buffer;
    if (wireType === 0) value = varint();
    else if (wireType === 2) {
      const length = Number(varint());
      if (offset + length > bytes.length) throw new Error('truncated protobuf field');
      value = bytes.subarray(offset, offset + length);
      offset += length;
    } else if (wireType === 1 || wireType === 5) {
      offset += wireType === 1 ? 8 : 4;
      continue;
    } else throw new Error(`unsupported protobuf wire type ${wireType}`);
    values.set(number, [...(values.get(number) ?? []), value]);
  }
  const last = (number: number): bigint | Buffer | undefined => values.get(number)?.at(-1);
  const asBytes = (value: bigint | Buffer | undefined): Buffer => (Buffer.isBuffer(value) ? value : Buffer.alloc(0));
  return {
    int: (number) => {
      const value = last(number);
      return typeof value === 'bigint' ? BigInt.asIntN(64, value).toString() : '0';
    },
    bytes: (number) => asBytes(last(number)),
    text: (number) => asBytes(last(number)).toString('utf8'),
    all: (number) => (values.get(number) ?? []).map(asBytes),
    message: (number) => (Buffer.isBuffer(last(number)) ? fields(asBytes(last(number))) : undefined),
  };
}
