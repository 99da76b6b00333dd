// A stand-in for sigstore/gitsign as git's `gpg.x509.program`: reads the payload on stdin and writes
// the same CMS as gitsign (internal/signature/sign.go, internal/fork/ietf-cms): a detached SignedData
// with the signing certificate, signed attributes contentType, signingTime and messageDigest, an
// ECDSA-SHA256 signature over the DER of the signed attributes, and, in gitsign's offline Rekor mode,
// the Rekor entry in the unsigned attribute 1.3.6.1.4.1.57264.3.1 (a serialized
// dev.sigstore.rekor.v1.TransparencyLogEntry without its body, in an OCTET STRING).
//
// RAMPART_GITSIGN_STATE names a JSON file: { certificatePem, privateKeyPem, rekorUrl?, rekorMode?,
// forgeOnline?, garbage? }. Without rekorUrl the signature carries no Rekor entry and nothing is
// logged. The "Rekor" at rekorUrl is the test's own log: POST {artifact, signature, certificate}
// returns the entry as `rekorAnnotation` of test/verify-sigstore-pki.ts makes it.
// With rekorMode "online" (gitsign's default, internal/git LegacySHASign) nothing is embedded:
// the id git will give the signed commit is signed again and that upload is sent to rekorUrl
// instead (forgeOnline: the uploaded signature is over other bytes, as a lying log would keep it).
import { createHash, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { Attribute, ContentInfo, EncapsulatedContentInfo, IssuerAndSerialNumber, SignedData, SignerIdentifier, SignerInfo, CertificateChoices, CertificateSet, DigestAlgorithmIdentifiers, SignerInfos, id_data, id_signedData } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, Time } from '@peculiar/asn1-x509';
import { ObjectIdentifier } from 'asn1js';

const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_REKOR_ENTRY = '1.3.6.1.4.1.57264.3.1';

const args = process.argv.slice(2);
const statusArg = args.find((arg) => arg.startsWith('--status-fd'));
const statusFd = Number(statusArg?.includes('=') ? statusArg.split('=')[1] : args[args.indexOf('--status-fd') + 1] ?? 2);
const state = JSON.parse(readFileSync(process.env.RAMPART_GITSIGN_STATE ?? '', 'utf8'));

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const payload = Buffer.concat(chunks);

const der = (value) => Buffer.from(AsnConvert.serialize(value));
const pem = (type, bytes) => `-----BEGIN ${type}-----\n${bytes.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END ${type}-----\n`;
const attribute = (type, value) => new Attribute({ attrType: type, attrValues: [AsnConvert.serialize(value)] });

/** protobuf wire format: just what a TransparencyLogEntry needs */
function varint(value) {
  const bytes = [];
  let rest = BigInt(value);
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0n);
  return Buffer.from(bytes);
}
const field = (number, bytes) => Buffer.concat([varint(number * 8 + 2), varint(bytes.length), bytes]);
const numberField = (number, value) => Buffer.concat([varint(number * 8), varint(value)]);

function transparencyLogEntry(annotation) {
  const { SignedEntryTimestamp, Payload } = JSON.parse(annotation);
  return Buffer.concat([
    numberField(1, Payload.logIndex),
    field(2, field(1, Buffer.from(Payload.logID, 'hex'))),
    field(3, Buffer.concat([field(1, Buffer.from('hashedrekord')), field(2, Buffer.from('0.0.1'))])),
    numberField(4, Payload.integratedTime),
    field(5, field(1, Buffer.from(SignedEntryTimestamp, 'base64'))),
  ]);
}

function writeStatus() {
  const fingerprint = new X509Certificate(state.certificatePem).fingerprint256.replaceAll(':', '');
  writeSync(statusFd, `\n[GNUPG:] BEGIN_SIGNING\n[GNUPG:] SIG_CREATED D 19 8 00 ${Math.floor(Date.now() / 1000)} ${fingerprint}\n`);
}

if (state.garbage) {
  process.stdout.write(pem('SIGNED MESSAGE', Buffer.from('this is not a CMS structure')));
  writeStatus();
  process.exit(0);
}

const certificateDer = new X509Certificate(state.certificatePem).raw;
const certificate = AsnConvert.parse(certificateDer, Certificate);
const signingTime = new Time(new Date());
const attributes = [
  new Attribute({ attrType: OID_CONTENT_TYPE, attrValues: [new ObjectIdentifier({ value: id_data }).toBER()] }),
  attribute(OID_SIGNING_TIME, signingTime),
  attribute(OID_MESSAGE_DIGEST, new OctetString(createHash('sha256').update(payload).digest())),
].sort((a, b) => Buffer.compare(der(a), der(b)));
// The signature covers the attributes encoded as a SET OF (tag 0x31), as CMS requires.
const signedAttributes = Buffer.concat([Buffer.from([0x31]), derLength(attributes.reduce((sum, item) => sum + der(item).length, 0)), ...attributes.map(der)]);
const signature = sign('sha256', signedAttributes, createPrivateKey(state.privateKeyPem));

const unsignedAttrs = [];
if (state.rekorUrl && state.rekorMode !== 'online') {
  const response = await fetch(state.rekorUrl, {
    method: 'POST',
    body: JSON.stringify({ artifact: signedAttributes.toString('base64'), signature: signature.toString('base64'), certificate: pem('CERTIFICATE', certificateDer) }),
  });
  if (!response.ok) throw new Error(`rekor: ${response.status}`);
  unsignedAttrs.push(new Attribute({ attrType: OID_REKOR_ENTRY, attrValues: [AsnConvert.serialize(new OctetString(transparencyLogEntry(await response.text())))] }));
}

const signerInfo = new SignerInfo({
  version: 1,
  sid: new SignerIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: certificate.tbsCertificate.issuer, serialNumber: certificate.tbsCertificate.serialNumber }) }),
  digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID_SHA256 }),
  signedAttrs: attributes,
  signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID_ECDSA_SHA256 }),
  signature: new OctetString(signature),
  ...(unsignedAttrs.length > 0 ? { unsignedAttrs } : {}),
});
const signedData = new SignedData({
  version: 1,
  digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID_SHA256 })]),
  encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
  certificates: new CertificateSet([new CertificateChoices({ certificate })]),
  signerInfos: new SignerInfos([signerInfo]),
});
const contentInfo = new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) });
const armored = pem('SIGNED MESSAGE', der(contentInfo));
if (state.rekorUrl && state.rekorMode === 'online') await logCommitId(armored);
process.stdout.write(armored);
writeStatus();

/** git inserts the signature as a `gpgsig` header at the end of the headers (commit.c do_sign_commit). */
function commitIdWith(signatureText) {
  const end = payload.indexOf('\n\n') + 1;
  const header = `gpgsig${signatureText.replace(/\n$/, '').split('\n').map((line) => ` ${line}\n`).join('')}`;
  const raw = Buffer.concat([payload.subarray(0, end), Buffer.from(header), payload.subarray(end)]);
  return createHash('sha1').update(Buffer.concat([Buffer.from(`commit ${raw.length}\0`), raw])).digest('hex');
}

async function logCommitId(signatureText) {
  const commitId = commitIdWith(signatureText);
  const signed = state.forgeOnline ? `${commitId} with a backdoor` : commitId;
  const response = await fetch(state.rekorUrl, {
    method: 'POST',
    body: JSON.stringify({
      artifact: Buffer.from(commitId).toString('base64'),
      signature: sign('sha256', Buffer.from(signed), createPrivateKey(state.privateKeyPem)).toString('base64'),
      certificate: pem('CERTIFICATE', certificateDer),
    }),
  });
  if (!response.ok) throw new Error(`rekor: ${response.status}`);
}

function derLength(length) {
  if (length < 0x80) return Buffer.from([length]);
  const bytes = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
