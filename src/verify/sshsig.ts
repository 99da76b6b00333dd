import { createHash } from 'node:crypto';
import { isCertificateBlob, parseCertificate, parsePublicKey, verifySshSignature, type SshCertificate, type SshPublicKey } from './ssh-keys.js';
import { SshReader, sshString } from './ssh-wire.js';

const MAGIC = 'SSHSIG';
const ARMOR = /-----BEGIN SSH SIGNATURE-----([\s\S]*?)-----END SSH SIGNATURE-----/;
const HASHES = new Set(['sha256', 'sha512']);

/** A parsed SSHSIG blob (OpenSSH PROTOCOL.sshsig). */
export interface SshSignature {
  readonly publicKeyBlob: Buffer;
  /** the signing key, or the key certified when the signer used a certificate */
  readonly publicKey: SshPublicKey;
  readonly certificate?: SshCertificate;
  readonly namespace: string;
  readonly hashAlgorithm: string;
  readonly signature: Buffer;
  readonly reserved: Buffer;
}

export function parseSshSignature(armored: string): SshSignature {
  const body = ARMOR.exec(armored)?.[1];
  if (body === undefined) throw new Error('not an armored SSH signature');
  const blob = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const reader = new SshReader(blob, 'SSH signature');
  if (reader.bytes(MAGIC.length).toString('latin1') !== MAGIC) throw new Error('SSH signature lacks the SSHSIG preamble');
  const version = reader.uint32();
  if (version !== 1) throw new Error(`unsupported SSHSIG version ${version}`);
  const publicKeyBlob = reader.string();
  const namespace = reader.text();
  const reserved = reader.string();
  const hashAlgorithm = reader.text();
  const signature = reader.string();
  if (isCertificateBlob(publicKeyBlob)) {
    const certificate = parseCertificate(publicKeyBlob);
    return { publicKeyBlob, publicKey: certificate.key, certificate, namespace, hashAlgorithm, signature, reserved };
  }
  return { publicKeyBlob, publicKey: parsePublicKey(publicKeyBlob), namespace, hashAlgorithm, signature, reserved };
}

/** Whether the signature is a valid SSHSIG over `message` in `namespace` by its embedded key. */
export function verifySshSignatureOver(signature: SshSignature, message: Buffer, namespace: string): boolean {
  if (signature.namespace !== namespace || !HASHES.has(signature.hashAlgorithm)) return false;
  const digest = createHash(signature.hashAlgorithm).update(message).digest();
  const signed = Buffer.concat([
    Buffer.from(MAGIC, 'latin1'),
    sshString(signature.namespace),
    sshString(signature.reserved),
    sshString(signature.hashAlgorithm),
    sshString(digest),
  ]);
  return verifySshSignature(signature.publicKey, signed, signature.signature);
}
