import { crc24 } from './checksum.js';
import { derElement, DER_TAG, isPrivateKeyDer } from './der.js';
import type { SampleRandom } from './random.js';

/**
 * PEM bodies as they appear in files: real line breaks, `\n` or `\r\n` escapes inside JSON and
 * YAML strings, or one quoted string a line joined in code (`"MIIE…" +` / `"…"`).
 */
function bodyBytes(body: string): Buffer {
  return Buffer.from(body.replace(/["'][ \t]*\+?[ \t]*(?:\r?\n[ \t]*\+?[ \t]*)?["']/g, '').replace(/\\[rnt]/g, '\n').replace(/[\s"'\\]/g, ''), 'base64');
}

const PEM = /^-----BEGIN ([A-Z ]+)-----(?:[ \t]*#[^\r\n]*)?([\s\S]*?)-----END \1-----/;

/** An unencrypted PEM private key (PKCS#1 RSA, SEC1 EC, DSA, PKCS#8) whose DER parses. */
export function isPemPrivateKey(text: string): boolean {
  const match = PEM.exec(text.trim().replace(/^"/, ''));
  if (!match) return false;
  const bytes = bodyBytes(match[2] ?? '');
  // an OpenSSH key under a PEM label (`BEGIN RSA PRIVATE KEY` over `openssh-key-v1`) is a key all the same
  return isPrivateKeyDer(match[1] ?? '', bytes) || isUnprotectedOpenSsh(bytes);
}

/** An OpenSSH private key that is not protected by a passphrase (cipher `none`). */
export function isOpenSshPrivateKey(text: string): boolean {
  const match = PEM.exec(text.trim());
  return match?.[1] === 'OPENSSH PRIVATE KEY' && isUnprotectedOpenSsh(bodyBytes(match[2] ?? ''));
}

function isUnprotectedOpenSsh(bytes: Buffer): boolean {
  const magic = 'openssh-key-v1\0';
  if (bytes.length < magic.length + 8 || bytes.subarray(0, magic.length).toString('latin1') !== magic) return false;
  const cipherLength = bytes.readUInt32BE(magic.length);
  return bytes.subarray(magic.length + 4, magic.length + 4 + cipherLength).toString('latin1') === 'none';
}

/** An ASCII-armored OpenPGP secret key: first packet tag 5, and the armor CRC24 when present. */
export function isPgpPrivateKey(text: string): boolean {
  const match = PEM.exec(text.trim());
  if (!match || match[1] !== 'PGP PRIVATE KEY BLOCK') return false;
  const lines = (match[2] ?? '').replace(/\\n/g, '\n').split(/\r?\n/).map((line) => line.trim());
  const blank = lines.indexOf('', 1);
  const payload = lines.slice(lines.some((line) => line.includes(':')) && blank !== -1 ? blank : 0).filter((line) => line !== '');
  const checksumLine = payload.findIndex((line) => line.startsWith('='));
  const data = Buffer.from((checksumLine === -1 ? payload : payload.slice(0, checksumLine)).join(''), 'base64');
  const first = data[0];
  if (first === undefined || !(first & 0x80)) return false;
  const tag = first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
  if (tag !== 5) return false;
  if (checksumLine === -1) return true;
  const expected = Buffer.from(payload[checksumLine]!.slice(1), 'base64');
  return expected.length === 3 && expected.readUIntBE(0, 3) === crc24(data);
}

export function pemBlock(label: string, der: Uint8Array, newline = '\n'): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join(newline);
}

const integer = (bytes: Uint8Array): number[] => derElement(DER_TAG.INTEGER, [0, ...bytes]);

/** Structurally valid (not mathematically consistent) keys: real shapes, never real keys. */
export function sampleRsaDer(random: SampleRandom): Uint8Array {
  const fields = [[0], ...[128, 3, 128, 64, 64, 64, 64, 64].map((size) => integer(random.bytes(size)))];
  return Uint8Array.from(derElement(DER_TAG.SEQUENCE, [...derElement(DER_TAG.INTEGER, fields[0]!), ...fields.slice(1).flat()]));
}

export function sampleEd25519Pkcs8(random: SampleRandom): Uint8Array {
  const algorithm = derElement(DER_TAG.SEQUENCE, derElement(DER_TAG.OID, [0x2b, 0x65, 0x70]));
  const key = derElement(DER_TAG.OCTET_STRING, derElement(DER_TAG.OCTET_STRING, [...random.bytes(32)]));
  return Uint8Array.from(derElement(DER_TAG.SEQUENCE, [...derElement(DER_TAG.INTEGER, [0]), ...algorithm, ...key]));
}

export function sampleEcDer(random: SampleRandom): Uint8Array {
  const curve = [0xa0, 0x0a, ...derElement(DER_TAG.OID, [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07])];
  const publicKey = [0xa1, 0x44, ...derElement(0x03, [0x00, 0x04, ...random.bytes(64)])];
  return Uint8Array.from(derElement(DER_TAG.SEQUENCE, [...derElement(DER_TAG.INTEGER, [1]), ...derElement(DER_TAG.OCTET_STRING, [...random.bytes(32)]), ...curve, ...publicKey]));
}

export function sampleOpenSshKey(random: SampleRandom): string {
  const none = [0, 0, 0, 4, ...Buffer.from('none')];
  const body = Uint8Array.from([...Buffer.from('openssh-key-v1\0', 'latin1'), ...none, ...none, 0, 0, 0, 0, 0, 0, 0, 1, ...random.bytes(180)]);
  const lines = Buffer.from(body).toString('base64').match(/.{1,70}/g) ?? [];
  return ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----'].join('\n');
}

export function samplePgpKey(random: SampleRandom): string {
  const packet = Uint8Array.from([0xc5, 120, 4, ...random.bytes(119)]);
  const checksum = crc24(packet);
  const lines = Buffer.from(packet).toString('base64').match(/.{1,64}/g) ?? [];
  const armor = Buffer.from([checksum >> 16, (checksum >> 8) & 0xff, checksum & 0xff]).toString('base64');
  return ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '', ...lines, `=${armor}`, '-----END PGP PRIVATE KEY BLOCK-----'].join('\n');
}
