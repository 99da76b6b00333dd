import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { toSignedEntity, VerificationError, Verifier, type Signer } from '@sigstore/verify';
import type { UntrustedReason } from './commit-verifier.js';
import { MalformedSignatureError, parseGitsignSignature, type GitsignSigner } from './gitsign-cms.js';
import type { GitsignTrust, KeylessIdentity } from './gitsign-trust.js';
import { lookUpOnlineEntry, type OnlineEntry } from './gitsign-online.js';
import { decodeTransparencyLogEntry, hashedRekordBody } from './rekor-entry.js';
import type { RekorSearch } from './rekor-search.js';

export type GitsignOutcome =
  | { readonly ok: true; readonly signer: string }
  | { readonly ok: false; readonly reason: UntrustedReason; readonly detail: string };

const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

const failure = (reason: UntrustedReason, detail: string): GitsignOutcome => ({ ok: false, reason, detail });
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `--rekor-url`: where the entries of online-mode signatures are looked up, and the object's id to look up. */
export interface OnlineRekor {
  readonly objectId: string;
  readonly rekor: RekorSearch;
}

/**
 * Verifies a gitsign signature over `payload` as gitsign's bundle verifier does
 * (internal/gitsign/bundle.go): the CMS binds the commit through its messageDigest attribute; the
 * signature over the signed attributes, the Fulcio chain and SCT at the Rekor integration time, and
 * the embedded Rekor entry are checked by @sigstore/verify as a message-signature bundle whose
 * artifact is the signed attributes; then the identity. Without an embedded entry (gitsign's online
 * mode) the entry is looked up in Rekor when `online` is given (see gitsign-online.ts).
 */
export async function verifyGitsignSignature(payload: Buffer, armored: string, trust: GitsignTrust, online?: OnlineRekor): Promise<GitsignOutcome> {
  let signer: GitsignSigner;
  try {
    signer = parseGitsignSignature(armored);
  } catch (error) {
    if (error instanceof MalformedSignatureError) return failure('unverifiable', `unreadable x509 (gitsign) signature: ${error.message}`);
    throw error;
  }
  if (signer.digestAlgorithm !== OID_SHA256) return failure('unverifiable', `x509 signature with digest algorithm ${signer.digestAlgorithm}; gitsign uses SHA-256`);
  if (!createHash('sha256').update(payload).digest().equals(signer.messageDigest)) {
    return failure('bad-signature', 'x509 (gitsign) signature of other content: the object was altered or the signature copied from another one');
  }
  const certificate = readCertificate(signer.certificate);
  if (!certificate) return failure('unverifiable', 'unreadable x509 (gitsign) signature: its certificate cannot be parsed');
  if (!signatureVerifies(signer, certificate)) return failure('bad-signature', 'x509 (gitsign) signature does not verify with its own certificate');
  const who = describe(certificate);
  if (!trust.identity) {
    return failure('unverifiable', `gitsign signature by ${who}, but no keyless signer is trusted: give --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp]`);
  }
  let logged: OnlineEntry;
  if (signer.rekorEntry) {
    try {
      logged = { bundle: toBundle(signer, decodeTransparencyLogEntry(signer.rekorEntry)), artifact: signer.signedAttributes };
    } catch (error) {
      return failure('unverifiable', `unreadable Rekor entry in the gitsign signature by ${who}: ${message(error)}`);
    }
  } else if (online) {
    const lookup = await lookUpOnlineEntry(online.objectId, signer.certificate, online.rekor, who);
    if (!lookup.found) return failure(lookup.reason, lookup.detail);
    logged = lookup.entry;
  } else {
    return failure('unverifiable', `gitsign signature by ${who} without an embedded Rekor entry (gitsign's default online mode): pass --rekor-url https://rekor.sigstore.dev to look the entry up, or sign with \`git config gitsign.rekorMode offline\``);
  }
  const logId = Buffer.from(logged.bundle.verificationMaterial.tlogEntries[0]?.logId?.keyId ?? []);
  if (!trust.trustedRoot.tlogs.some((log) => log.logId?.keyId && Buffer.from(log.logId.keyId).equals(logId))) {
    return failure('unknown-key', `the gitsign signature by ${who} was logged in a Rekor log the trusted root does not list (log id ${logId.toString('hex').slice(0, 16)}…)`);
  }
  let verified: Signer;
  try {
    verified = new Verifier(trust.material).verify(toSignedEntity(logged.bundle, logged.artifact));
  } catch (error) {
    return sigstoreFailure(error, who, signer.rekorEntry ? undefined : online);
  }
  const subject = verified.identity?.subjectAlternativeName;
  const issuer = verified.identity?.extensions?.issuer;
  const problem = identityProblem(trust.identity, subject, issuer);
  if (problem) return failure('not-allowed', `gitsign signature ${problem}`);
  return { ok: true, signer: `${subject ?? '?'} (issuer ${issuer ?? '?'})` };
}

function readCertificate(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function signatureVerifies(signer: GitsignSigner, certificate: X509Certificate): boolean {
  try {
    return cryptoVerify('sha256', signer.signedAttributes, certificate.publicKey, signer.signature);
  } catch {
    return false;
  }
}

/** The certificate's identity, for messages before it is trusted. */
function describe(certificate: X509Certificate): string {
  const names = certificate.subjectAltName?.split(', ').map((name) => name.replace(/^(email|URI):/, '')) ?? [];
  return names.join(', ') || 'an unnamed certificate';
}

/** A Sigstore bundle as gitsign's compat.SignerInfoToBundle builds it, with the log entry's body recomputed. */
function toBundle(signer: GitsignSigner, entry: ReturnType<typeof decodeTransparencyLogEntry>): Bundle {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      content: { $case: 'certificate', certificate: { rawBytes: signer.certificate } },
      tlogEntries: [{ ...entry, canonicalizedBody: hashedRekordBody(signer.signedAttributes, signer.signature, signer.certificate) }],
      timestampVerificationData: undefined,
    },
    content: {
      $case: 'messageSignature',
      messageSignature: {
        messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: createHash('sha256').update(signer.signedAttributes).digest() },
        signature: signer.signature,
      },
    },
  };
}

function sigstoreFailure(error: unknown, who: string, online: OnlineRekor | undefined): GitsignOutcome {
  if (!(error instanceof VerificationError)) return failure('unverifiable', `unreadable gitsign Rekor entry: ${message(error)}`);
  if (error.code === 'CERTIFICATE_ERROR') {
    return failure('unknown-key', `gitsign certificate of ${who} is not trusted: ${error.message} (no Fulcio CA and CT log of the trusted root vouch for it at the Rekor integration time)`);
  }
  const found = online ? ` found at ${online.rekor.baseUrl} for ${online.objectId}` : '';
  if (error.code.startsWith('TLOG')) {
    return failure('bad-signature', `the Rekor entry${found} of the gitsign signature by ${who} does not verify against the trusted root: ${error.message}`);
  }
  if (error.code === 'SIGNATURE_ERROR') {
    // online, the verified signature is the one over the object id that the Rekor entry carries
    const what = online ? `the signature over ${online.objectId} in the Rekor entry${found}` : 'x509 (gitsign) signature';
    return failure('bad-signature', `${what} by ${who} does not verify: ${error.message}`);
  }
  return failure('unverifiable', `gitsign signature by ${who} cannot be verified: ${error.message}`);
}

function identityProblem(wanted: KeylessIdentity, subject: string | undefined, issuer: string | undefined): string | undefined {
  const by = `by ${subject ?? 'no identity'} (issuer ${issuer ?? 'none'})`;
  if (wanted.subject !== undefined && subject !== wanted.subject) return `${by}, not ${wanted.subject}`;
  if (wanted.subjectRegexp && !wanted.subjectRegexp.test(subject ?? '')) return `${by}: the identity does not match ${wanted.subjectRegexp.source}`;
  if (wanted.issuer !== undefined && issuer !== wanted.issuer) return `${by}: the issuer is not ${wanted.issuer}`;
  if (wanted.issuerRegexp && !wanted.issuerRegexp.test(issuer ?? '')) return `${by}: the issuer does not match ${wanted.issuerRegexp.source}`;
  return undefined;
}
