import { ContentInfo, SignedData, id_data, id_signedData, type Attribute, type SignerIdentifier } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { fromBER, Sequence, type BaseBlock } from 'asn1js';

const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
/** gitsign's offline Rekor entry: a serialized dev.sigstore.rekor.v1.TransparencyLogEntry (sigstore/gitsign internal/rekor/oid) */
const OID_REKOR_ENTRY = '1.3.6.1.4.1.57264.3.1';
const DER_OID_DATA = Buffer.from('06092a864886f70d010701', 'hex');

/** The one signer of a gitsign signature, with the bytes each check needs. */
export interface GitsignSigner {
  /** the signed attributes as DER `SET OF` (tag 0x31): what the signature and the Rekor entry cover */
  readonly signedAttributes: Buffer;
  readonly messageDigest: Buffer;
  readonly digestAlgorithm: string;
  readonly signature: Buffer;
  /** DER of the certificate the signer identifier names */
  readonly certificate: Buffer;
  /** protobuf bytes of the embedded Rekor entry, when gitsign signed in offline mode */
  readonly rekorEntry?: Buffer;
}

export class MalformedSignatureError extends Error {}

function fail(message: string): never {
  throw new MalformedSignatureError(message);
}

function unarmor(armored: string): Buffer {
  const match = /-----BEGIN SIGNED MESSAGE-----([\s\S]*?)-----END SIGNED MESSAGE-----/.exec(armored);
  const body = (match?.[1] ?? fail('no SIGNED MESSAGE block')).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) fail('the SIGNED MESSAGE block is not base64');
  return Buffer.from(body, 'base64');
}

function parse<T>(bytes: ArrayBuffer | Buffer, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(bytes, type);
  } catch (error) {
    return fail(`unreadable ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function onlyValue(attributes: readonly Attribute[] | undefined, oid: string, what: string): Buffer | undefined {
  const found = (attributes ?? []).filter((attribute) => attribute.attrType === oid);
  if (found.length === 0) return undefined;
  const [attribute] = found;
  if (found.length > 1 || attribute?.attrValues.length !== 1) fail(`the ${what} attribute must appear once with one value`);
  return Buffer.from(attribute.attrValues[0] ?? fail(`empty ${what} attribute`));
}

const octets = (value: Buffer, what: string): Buffer => Buffer.from(parse(value, OctetString, what).buffer);

/** Reads a `-----BEGIN SIGNED MESSAGE-----` block as gitsign writes it: a detached CMS SignedData with one signer. */
export function parseGitsignSignature(armored: string): GitsignSigner {
  const contentInfo = parse(unarmor(armored), ContentInfo, 'CMS ContentInfo');
  if (contentInfo.contentType !== id_signedData) fail(`CMS content type ${contentInfo.contentType}, not SignedData`);
  const signedData = parse(contentInfo.content, SignedData, 'CMS SignedData');
  if (signedData.encapContentInfo.eContentType !== id_data) fail('the signed content is not of type data');
  if (signedData.encapContentInfo.eContent) fail('not a detached signature: it carries its own content');
  if (signedData.signerInfos.length !== 1) fail(`${signedData.signerInfos.length} signers; gitsign writes exactly one`);
  const signer = signedData.signerInfos[0] ?? fail('no signer');
  const raw = rawParts(contentInfo.content);
  if (!signer.signedAttrs || !raw.signedAttributes) fail('no signed attributes');
  const signedAttributes = raw.signedAttributes;
  // The attributes are stored as [0] IMPLICIT; the signature is over their DER as a universal SET OF.
  signedAttributes[0] = 0x31;
  const contentType = onlyValue(signer.signedAttrs, OID_CONTENT_TYPE, 'content type');
  if (!contentType?.equals(DER_OID_DATA)) fail('the content type attribute is missing or is not data');
  const digest = onlyValue(signer.signedAttrs, OID_MESSAGE_DIGEST, 'message digest') ?? fail('no message digest attribute');
  const rekorEntry = onlyValue(signer.unsignedAttrs, OID_REKOR_ENTRY, 'Rekor entry');
  return {
    signedAttributes,
    messageDigest: octets(digest, 'message digest'),
    digestAlgorithm: signer.digestAlgorithm.algorithm,
    signature: Buffer.from(signer.signature.buffer),
    certificate: signerCertificate(raw.certificates, signer.sid),
    ...(rekorEntry ? { rekorEntry: octets(rekorEntry, 'Rekor entry') } : {}),
  };
}

/**
 * The certificates and the signer's signed attributes as they were encoded: what the CA and the
 * signer signed. A re-encoding could differ, and @peculiar/asn1-schema keeps no raw bytes of SET OF fields.
 */
function rawParts(signedDataDer: ArrayBuffer): { certificates: Buffer[]; signedAttributes?: Buffer } {
  const decoded = fromBER(signedDataDer);
  const items = decoded.offset === -1 || !(decoded.result instanceof Sequence) ? [] : decoded.result.valueBlock.value;
  const children = (block: BaseBlock | undefined): BaseBlock[] => {
    const value = (block?.valueBlock as { value?: unknown } | undefined)?.value;
    return Array.isArray(value) ? (value as BaseBlock[]) : [];
  };
  const contextTagged = (list: BaseBlock[], tag: number): BaseBlock | undefined => list.find((item) => item.idBlock.tagClass === 3 && item.idBlock.tagNumber === tag);
  const signerInfo = children(items.at(-1))[0];
  const signedAttributes = contextTagged(children(signerInfo), 0);
  return {
    certificates: children(contextTagged(items, 0)).map((element) => Buffer.from(element.valueBeforeDecodeView)),
    ...(signedAttributes ? { signedAttributes: Buffer.from(signedAttributes.valueBeforeDecodeView) } : {}),
  };
}

function signerCertificate(certificates: readonly Buffer[], sid: SignerIdentifier): Buffer {
  const match = certificates.find((raw) => {
    let tbs;
    try {
      tbs = AsnConvert.parse(raw, Certificate).tbsCertificate;
    } catch {
      return false;
    }
    const wanted = sid.issuerAndSerialNumber;
    if (wanted) {
      return Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(Buffer.from(AsnConvert.serialize(wanted.issuer)))
        && Buffer.from(tbs.serialNumber).equals(Buffer.from(wanted.serialNumber));
    }
    const keyId = sid.subjectKeyIdentifier;
    const extension = tbs.extensions?.find((item) => item.extnID === '2.5.29.14');
    return keyId !== undefined && extension !== undefined && octets(Buffer.from(extension.extnValue.buffer), 'subject key identifier').equals(Buffer.from(keyId.buffer));
  });
  return match ?? fail('the signing certificate is not in the signature');
}
