import { createHash, createPublicKey, generateKeyPairSync, KeyObject, sign, webcrypto } from 'node:crypto';
import { X509Certificate as SigstoreCertificate } from '@sigstore/core';
import * as x509 from '@peculiar/x509';

/**
 * A private Sigstore instance for tests: a Fulcio-like CA, a CT log and a Rekor log, each with
 * its own key, and the trusted_root.json that names them. Nothing is contacted: entries are
 * made here exactly as the services would make them.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const OID_SCT = '1.3.6.1.4.1.11129.2.4.2';
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';

export interface TestSigstore {
  readonly trustedRoot: Record<string, unknown>;
  /** a short-lived signing certificate for `identity`, with an embedded SCT, as Fulcio issues them */
  issueCertificate(identity: { email?: string; uri?: string; issuer: string }): Promise<{ pem: string; privateKey: KeyObject }>;
  /** the cosign `dev.sigstore.cosign/bundle` annotation for a hashedrekord entry */
  rekorAnnotation(payload: Buffer, signature: string, verifier: string): string;
}

const spki = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

export function logEntry(key: KeyObject, baseUrl: string): Record<string, unknown> {
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: spki(key).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } },
    logId: { keyId: createHash('sha256').update(spki(key)).digest('base64') },
  };
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  return Buffer.concat([Buffer.from([0x82]), u16(length)]);
}

export async function createTestSigstore(): Promise<TestSigstore> {
  const caKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'O=rampart-test, CN=test-fulcio',
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    signingAlgorithm: EC,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const ctKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rekorKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [logEntry(rekorKey.publicKey, 'https://rekor.test')],
    certificateAuthorities: [{
      subject: { organization: 'rampart-test', commonName: 'test-fulcio' },
      uri: 'https://fulcio.test',
      certChain: { certificates: [{ rawBytes: Buffer.from(ca.rawData).toString('base64') }] },
      validFor: { start: '2020-01-01T00:00:00Z' },
    }],
    ctlogs: [logEntry(ctKey.publicKey, 'https://ctlog.test')],
    timestampAuthorities: [],
  };
  const ctLogId = createHash('sha256').update(spki(ctKey.publicKey)).digest();
  const rekorLogId = createHash('sha256').update(spki(rekorKey.publicKey)).digest('hex');
  let logIndex = 0;

  async function issueCertificate(identity: { email?: string; uri?: string; issuer: string }): Promise<{ pem: string; privateKey: KeyObject }> {
    const leafKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
    const names = [identity.email ? { type: 'email' as const, value: identity.email } : { type: 'url' as const, value: identity.uri ?? '' }];
    const base = {
      serialNumber: createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 16),
      subject: '',
      issuer: ca.subject,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 10 * 60_000),
      signingAlgorithm: EC,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
    };
    const extensions = [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.3']),
      new x509.SubjectAlternativeNameExtension(names, true),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      new x509.Extension(OID_ISSUER_V1, false, Buffer.from(identity.issuer, 'ascii')),
    ];
    // The precertificate TBS is the final certificate's TBS without the SCT extension.
    const precert = await x509.X509CertificateGenerator.create({ ...base, extensions });
    const tbs = SigstoreCertificate.parse(Buffer.from(precert.rawData)).tbsCertificate.toDER();
    const timestamp = BigInt(Date.now());
    const timestampBytes = Buffer.alloc(8);
    timestampBytes.writeBigUInt64BE(timestamp);
    const tbsLength = Buffer.alloc(3);
    tbsLength.writeUIntBE(tbs.length, 0, 3);
    const issuerKeyHash = createHash('sha256').update(Buffer.from(ca.publicKey.rawData)).digest();
    const signed = Buffer.concat([Buffer.from([0, 0]), timestampBytes, u16(1), issuerKeyHash, tbsLength, tbs, u16(0)]);
    const sctSignature = sign('sha256', signed, ctKey.privateKey);
    const sct = Buffer.concat([Buffer.from([0]), ctLogId, timestampBytes, u16(0), Buffer.from([4, 3]), u16(sctSignature.length), sctSignature]);
    const list = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
    const sctExtension = new x509.Extension(OID_SCT, false, Buffer.concat([Buffer.from([0x04]), derLength(list.length), list]));
    const certificate = await x509.X509CertificateGenerator.create({ ...base, extensions: [...extensions, sctExtension] });
    const privateKey = KeyObject.from(leafKeys.privateKey);
    return { pem: certificate.toString('pem'), privateKey };
  }

  function rekorAnnotation(payload: Buffer, signature: string, verifier: string): string {
    const body = Buffer.from(canonicalJson({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } },
        signature: { content: signature, publicKey: { content: Buffer.from(verifier).toString('base64') } },
      },
    })).toString('base64');
    logIndex += 1;
    const entry = { body, integratedTime: Math.floor(Date.now() / 1000), logIndex, logID: rekorLogId };
    const signedEntryTimestamp = sign('sha256', Buffer.from(canonicalJson(entry)), rekorKey.privateKey).toString('base64');
    return JSON.stringify({ SignedEntryTimestamp: signedEntryTimestamp, Payload: entry });
  }

  return { trustedRoot, issueCertificate, rekorAnnotation };
}

export function publicPem(key: KeyObject): string {
  return (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'pem' }).toString();
}
