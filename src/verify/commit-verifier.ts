import type { AllowedSigner } from './allowed-signers.js';
import type { SignatureFormat, SignedObject } from './git-object.js';
import type { GitsignTrust } from './gitsign-trust.js';
import { verifyOpenPgpDetached, type OpenPgpKeyring } from './openpgp-verify.js';
import type { RekorSearch } from './rekor-search.js';
import { trustSshSigner } from './ssh-trust.js';
import { parseSshSignature, verifySshSignatureOver } from './sshsig.js';

/** What a commit or tag is checked against; nothing from the repository itself. */
export interface SignerTrust {
  readonly allowedSigners?: readonly AllowedSigner[];
  readonly keyring?: OpenPgpKeyring;
  /** `--trusted-root` and the keyless identity flags, for x509 (gitsign) signatures */
  readonly sigstore?: GitsignTrust;
  /** `--rekor-url`: where the Rekor entries of gitsign online-mode signatures are looked up */
  readonly rekor?: RekorSearch;
}

export type UntrustedReason = 'bad-signature' | 'unknown-key' | 'not-allowed' | 'unverifiable';

export type SignatureVerdict =
  | { readonly status: 'unsigned' }
  | { readonly status: 'trusted'; readonly format: SignatureFormat; readonly signer: string }
  | { readonly status: 'untrusted'; readonly format: SignatureFormat; readonly reason: UntrustedReason; readonly detail: string };

const NAMESPACE = 'git';

/** Verifies signed git objects; results are cached by object id (a content digest) for this trust policy. */
export class SignatureVerifier {
  private readonly cache = new Map<string, Promise<SignatureVerdict>>();

  constructor(private readonly trust: SignerTrust) {}

  verify(objectId: string, object: SignedObject): Promise<SignatureVerdict> {
    let verdict = this.cache.get(objectId);
    if (!verdict) {
      verdict = this.compute(objectId, object);
      this.cache.set(objectId, verdict);
    }
    return verdict;
  }

  /** Releases the Rekor connections, if any. */
  async close(): Promise<void> {
    await this.trust.rekor?.close();
  }

  private async compute(objectId: string, object: SignedObject): Promise<SignatureVerdict> {
    const { signature, format = 'unknown' } = object;
    if (signature === undefined) return { status: 'unsigned' };
    const untrusted = (reason: UntrustedReason, detail: string): SignatureVerdict => ({ status: 'untrusted', format, reason, detail });
    if (format === 'ssh') return this.verifySsh(object, signature, untrusted);
    if (format === 'openpgp') {
      if (!this.trust.keyring) return untrusted('unverifiable', 'OpenPGP signature, but no --gpg-keyring was given');
      const outcome = await verifyOpenPgpDetached(object.payload, signature, this.trust.keyring);
      if (outcome.status === 'unknown-key') return untrusted('unknown-key', `OpenPGP key ${outcome.keyId} is not in ${this.trust.keyring.source}`);
      if (outcome.status === 'bad') return untrusted('bad-signature', `OpenPGP signature by ${outcome.keyId || 'an unknown key'} does not verify: ${outcome.reason}`);
      return { status: 'trusted', format, signer: `${outcome.userIds[0] ?? outcome.keyId} (${outcome.fingerprint})` };
    }
    if (format === 'x509') {
      if (!this.trust.sigstore) return untrusted('unverifiable', 'x509 (gitsign/S/MIME) signature: it cannot be verified without a trusted root (--trusted-root)');
      // The CMS and Sigstore libraries are loaded only when a gitsign signature is met.
      const { verifyGitsignSignature } = await import('./gitsign.js');
      const online = this.trust.rekor ? { objectId, rekor: this.trust.rekor } : undefined;
      const outcome = await verifyGitsignSignature(object.payload, signature, this.trust.sigstore, online);
      return outcome.ok ? { status: 'trusted', format, signer: outcome.signer } : untrusted(outcome.reason, outcome.detail);
    }
    return untrusted('unverifiable', 'signature in an unknown format');
  }

  private verifySsh(object: SignedObject, armored: string, untrusted: (reason: UntrustedReason, detail: string) => SignatureVerdict): SignatureVerdict {
    let parsed;
    try {
      parsed = parseSshSignature(armored);
    } catch (error) {
      return untrusted('bad-signature', `unreadable SSH signature: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (parsed.namespace !== NAMESPACE) return untrusted('bad-signature', `SSH signature for namespace "${parsed.namespace}", not "${NAMESPACE}"`);
    if (!verifySshSignatureOver(parsed, object.payload, NAMESPACE)) {
      return untrusted('bad-signature', 'SSH signature does not match the content: the object was altered or the signature copied from another one');
    }
    if (!this.trust.allowedSigners) return untrusted('unverifiable', 'SSH signature, but no --allowed-signers file was given');
    const identity = object.signer?.email ?? '';
    const trust = trustSshSigner(this.trust.allowedSigners, parsed, identity, NAMESPACE, object.signer?.date ?? new Date());
    if (!trust.trusted) return untrusted(trust.reason, trust.detail);
    return { status: 'trusted', format: 'ssh', signer: `${trust.principal} (${trust.key})` };
  }
}
