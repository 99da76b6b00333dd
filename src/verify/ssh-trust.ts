import type { AllowedSigner } from './allowed-signers.js';
import { securityKeyUserVerified, sshFingerprint } from './ssh-keys.js';
import { matchPatternList } from './ssh-patterns.js';
import type { SshSignature } from './sshsig.js';

export type SshTrust =
  | { readonly trusted: true; readonly principal: string; readonly key: string }
  | { readonly trusted: false; readonly reason: 'unknown-key' | 'not-allowed'; readonly detail: string };

const USER_CERTIFICATE = 1;

/**
 * Decides, like `ssh-keygen -Y verify -I <identity>` with `-Overify-time`, whether allowed_signers
 * trusts the signer of an SSHSIG for `identity` (the committer's email) in `namespace` at `time`.
 * The signature itself must already have verified.
 */
export function trustSshSigner(signers: readonly AllowedSigner[], signature: SshSignature, identity: string, namespace: string, time: Date): SshTrust {
  const { certificate } = signature;
  const fingerprint = sshFingerprint(certificate ? certificate.signatureKey.blob : signature.publicKey.blob);
  const candidates = signers.filter((signer) => certificate
    ? signer.certAuthority && signer.key.blob.equals(certificate.signatureKey.blob)
    : !signer.certAuthority && signer.key.blob.equals(signature.publicKey.blob));
  if (candidates.length === 0) {
    return { trusted: false, reason: 'unknown-key', detail: `${certificate ? 'certificate authority' : 'key'} ${fingerprint} is not in the allowed signers` };
  }
  if (certificate) {
    const seconds = BigInt(Math.floor(time.getTime() / 1000));
    if (!certificate.signatureValid) return { trusted: false, reason: 'not-allowed', detail: `certificate ${certificate.keyId} has an invalid CA signature` };
    if (certificate.certType !== USER_CERTIFICATE) return { trusted: false, reason: 'not-allowed', detail: `certificate ${certificate.keyId} is not a user certificate` };
    if (seconds < certificate.validAfter || seconds >= certificate.validBefore) {
      return { trusted: false, reason: 'not-allowed', detail: `certificate ${certificate.keyId} was not valid at ${time.toISOString()}` };
    }
    // Certificate principals are names, not patterns: ssh-keygen compares them exactly.
    if (!certificate.principals.includes(identity)) {
      return { trusted: false, reason: 'not-allowed', detail: `certificate ${certificate.keyId} is for ${certificate.principals.join(', ') || 'no principal'}, not ${identity}` };
    }
  }
  const problems: string[] = [];
  const userVerified = securityKeyUserVerified(signature.publicKey, signature.signature);
  for (const signer of candidates) {
    if (!matchPatternList(identity, signer.principals)) problems.push(`allowed for ${signer.principals}, not ${identity}`);
    else if (signer.namespaces !== undefined && !matchPatternList(namespace, signer.namespaces)) problems.push(`not allowed for namespace ${namespace}`);
    else if (signer.validAfter && time < signer.validAfter) problems.push(`valid only after ${signer.validAfter.toISOString()}`);
    // "valid for use at or before the specified timestamp" (ssh-keygen(1)).
    else if (signer.validBefore && time > signer.validBefore) problems.push(`valid only until ${signer.validBefore.toISOString()}`);
    // As in sshd, the option binds FIDO keys only: other signatures carry no flags.
    else if (signer.verifyRequired && userVerified === false) problems.push('requires user verification (verify-required) but the signature lacks it');
    else return { trusted: true, principal: identity, key: fingerprint };
  }
  return { trusted: false, reason: 'not-allowed', detail: `key ${fingerprint} is ${[...new Set(problems)].join('; ')}` };
}
