import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { SshReader, sshString } from './ssh-wire.js';

/** An SSH public key: its wire blob (for comparisons and fingerprints) and a Node key to verify with. */
export interface SshPublicKey {
  readonly type: string;
  readonly blob: Buffer;
  readonly key: KeyObject;
  /** FIDO (`sk-…@openssh.com`) keys: the application string the authenticator signs for */
  readonly application?: string;
}

/** An OpenSSH certificate (PROTOCOL.certkeys): the certified key, its validity and the CA that signed it. */
export interface SshCertificate {
  readonly type: string;
  readonly blob: Buffer;
  readonly key: SshPublicKey;
  readonly certType: number;
  readonly keyId: string;
  readonly principals: readonly string[];
  readonly validAfter: bigint;
  readonly validBefore: bigint;
  readonly signatureKey: SshPublicKey;
  /** whether the CA's signature over the certificate verifies */
  readonly signatureValid: boolean;
}

const CURVES: Record<string, { crv: string; hash: string; size: number }> = {
  nistp256: { crv: 'P-256', hash: 'sha256', size: 32 },
  nistp384: { crv: 'P-384', hash: 'sha384', size: 48 },
  nistp521: { crv: 'P-521', hash: 'sha512', size: 66 },
};
const CERT_SUFFIX = '-cert-v01@openssh.com';

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

const SK_ED25519 = 'sk-ssh-ed25519@openssh.com';
const SK_ECDSA = 'sk-ecdsa-sha2-nistp256@openssh.com';
const USER_PRESENT = 0x01;
const USER_VERIFIED = 0x04;

/** Reads the key-type specific fields; FIDO keys add their application string. */
function readKeyFields(type: string, reader: SshReader): { key: KeyObject; application?: string } {
  if (type === SK_ED25519 || type === SK_ECDSA) {
    const key = readPlainKeyFields(type === SK_ED25519 ? 'ssh-ed25519' : 'ecdsa-sha2-nistp256', reader);
    return { key, application: reader.text() };
  }
  return { key: readPlainKeyFields(type, reader) };
}

function readPlainKeyFields(type: string, reader: SshReader): KeyObject {
  if (type === 'ssh-ed25519') {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url(reader.string()) }, format: 'jwk' });
  }
  if (type === 'ssh-rsa') {
    const e = reader.mpint();
    const n = reader.mpint();
    return createPublicKey({ key: { kty: 'RSA', e: base64url(e), n: base64url(n) }, format: 'jwk' });
  }
  const ecdsa = /^ecdsa-sha2-(nistp\d+)$/.exec(type);
  const curve = ecdsa ? CURVES[ecdsa[1] ?? ''] : undefined;
  if (curve) {
    reader.string();
    const point = reader.string();
    if (point[0] !== 4 || point.length !== 1 + 2 * curve.size) throw new Error(`unsupported ${type} point encoding`);
    const x = point.subarray(1, 1 + curve.size);
    const y = point.subarray(1 + curve.size);
    return createPublicKey({ key: { kty: 'EC', crv: curve.crv, x: base64url(x), y: base64url(y) }, format: 'jwk' });
  }
  throw new Error(`unsupported SSH key type ${type}`);
}

export function isCertificateBlob(blob: Buffer): boolean {
  return new SshReader(blob).text().endsWith(CERT_SUFFIX);
}

/** Parsed keys by blob: a history is signed by few keys, each seen thousands of times. */
const parsedKeys = new Map<string, SshPublicKey>();
const PARSED_KEYS_LIMIT = 1024;

export function parsePublicKey(blob: Buffer): SshPublicKey {
  const cacheKey = blob.toString('base64');
  const cached = parsedKeys.get(cacheKey);
  if (cached) return cached;
  const reader = new SshReader(blob, 'SSH public key');
  const type = reader.text();
  if (type.endsWith(CERT_SUFFIX)) throw new Error('expected a public key, found a certificate');
  const parsed = { type, blob, ...readKeyFields(type, reader) };
  if (parsedKeys.size < PARSED_KEYS_LIMIT) parsedKeys.set(cacheKey, parsed);
  return parsed;
}

export function parseCertificate(blob: Buffer): SshCertificate {
  const reader = new SshReader(blob, 'SSH certificate');
  const type = reader.text();
  if (!type.endsWith(CERT_SUFFIX)) throw new Error(`not an SSH certificate: ${type}`);
  const keyType = type.slice(0, -CERT_SUFFIX.length);
  reader.string(); // nonce
  const fieldsStart = reader.position;
  const fields = readKeyFields(keyType, reader);
  // The plain key's blob is its type followed by the same fields the certificate carries.
  const keyBlob = Buffer.concat([sshString(keyType), blob.subarray(fieldsStart, reader.position)]);
  reader.uint64(); // serial
  const certType = reader.uint32();
  const keyId = reader.text();
  const principalsReader = new SshReader(reader.string(), 'certificate principals');
  const principals: string[] = [];
  while (!principalsReader.done) principals.push(principalsReader.text());
  const validAfter = reader.uint64();
  const validBefore = reader.uint64();
  reader.string(); // critical options
  reader.string(); // extensions
  reader.string(); // reserved
  const signatureKey = parsePublicKey(reader.string());
  const signedPart = blob.subarray(0, reader.position);
  const signature = reader.string();
  return {
    type,
    blob,
    key: { type: keyType, blob: keyBlob, ...fields },
    certType,
    keyId,
    principals,
    validAfter,
    validBefore,
    signatureKey,
    signatureValid: verifySshSignature(signatureKey, signedPart, signature),
  };
}

/** Verifies an SSH signature blob (`string format, string signature`) over data with a key. */
export function verifySshSignature(publicKey: SshPublicKey, data: Buffer, signatureBlob: Buffer): boolean {
  const reader = new SshReader(signatureBlob, 'SSH signature');
  const format = reader.text();
  const signature = reader.string();
  try {
    if (publicKey.application !== undefined) return verifySecurityKeySignature(publicKey, format, signature, reader, data);
    if (publicKey.type === 'ssh-ed25519' && format === 'ssh-ed25519') return cryptoVerify(null, data, publicKey.key, signature);
    if (publicKey.type === 'ssh-rsa' && (format === 'rsa-sha2-256' || format === 'rsa-sha2-512')) {
      return cryptoVerify(format === 'rsa-sha2-256' ? 'sha256' : 'sha512', data, publicKey.key, signature);
    }
    const curve = CURVES[/^ecdsa-sha2-(nistp\d+)$/.exec(publicKey.type)?.[1] ?? ''];
    if (curve && format === publicKey.type) {
      const parts = new SshReader(signature, 'ECDSA signature');
      const r = parts.mpint();
      const s = parts.mpint();
      if (r.length > curve.size || s.length > curve.size) return false;
      const raw = Buffer.concat([Buffer.alloc(curve.size - r.length), r, Buffer.alloc(curve.size - s.length), s]);
      return cryptoVerify(curve.hash, data, { key: publicKey.key, dsaEncoding: 'ieee-p1363' }, raw);
    }
  } catch {
    return false;
  }
  // ssh-rsa (SHA-1) signatures and mismatched formats are refused, as OpenSSH refuses them for SSHSIG.
  return false;
}

/**
 * FIDO signatures (PROTOCOL.u2f): the authenticator signs SHA256(application) || flags ||
 * counter || SHA256(data). User presence is required, as OpenSSH requires it by default.
 */
function verifySecurityKeySignature(publicKey: SshPublicKey, format: string, signature: Buffer, reader: SshReader, data: Buffer): boolean {
  if (format !== publicKey.type) return false;
  const flags = reader.bytes(1);
  const counter = reader.bytes(4);
  if (((flags[0] ?? 0) & USER_PRESENT) === 0) return false;
  const sha256 = (bytes: Buffer | string): Buffer => createHash('sha256').update(bytes).digest();
  const signed = Buffer.concat([sha256(publicKey.application ?? ''), flags, counter, sha256(data)]);
  if (publicKey.type === SK_ED25519) return cryptoVerify(null, signed, publicKey.key, signature);
  const parts = new SshReader(signature, 'ECDSA signature');
  const r = parts.mpint();
  const s = parts.mpint();
  if (r.length > 32 || s.length > 32) return false;
  const raw = Buffer.concat([Buffer.alloc(32 - r.length), r, Buffer.alloc(32 - s.length), s]);
  return cryptoVerify('sha256', signed, { key: publicKey.key, dsaEncoding: 'ieee-p1363' }, raw);
}

/**
 * Whether a FIDO signature blob (`string format, string signature, byte flags, uint32 counter`)
 * has the user-verification flag: the authenticator checked a PIN or biometric, not only a touch.
 * Undefined for keys that are not FIDO keys, whose signatures carry no flags.
 */
export function securityKeyUserVerified(publicKey: SshPublicKey, signatureBlob: Buffer): boolean | undefined {
  if (publicKey.application === undefined) return undefined;
  try {
    const reader = new SshReader(signatureBlob, 'SSH signature');
    reader.string();
    reader.string();
    return ((reader.bytes(1)[0] ?? 0) & USER_VERIFIED) !== 0;
  } catch {
    return false;
  }
}

/** `SHA256:<base64>` as ssh-keygen -l prints it. */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
