import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import type { VerifySettings } from '../engine/settings.js';
import { loadTrustedRoot, PolicyError, type ImagePolicy } from './image/image-policy.js';

export type KeylessIdentity = NonNullable<ImagePolicy['identity']>;

/** What gitsign (keyless x509) commit signatures are checked against: a Sigstore trusted root and who may sign. */
export interface GitsignTrust {
  readonly trustedRoot: TrustedRoot;
  readonly material: TrustMaterial;
  /** absent: no keyless signer is trusted, so no gitsign signature is (as cosign refuses keyless verification without one) */
  readonly identity?: KeylessIdentity;
}

function regexp(source: string | undefined, flag: string): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source);
  } catch (error) {
    throw new PolicyError(`${flag}: invalid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The flags `--certificate-identity[-regexp]` and `--certificate-oidc-issuer[-regexp]`, the same pair images need. */
export function keylessIdentity(settings: VerifySettings): KeylessIdentity | undefined {
  const subject = settings.certificateIdentity;
  const subjectRegexp = regexp(settings.certificateIdentityRegexp, '--certificate-identity-regexp');
  const issuer = settings.certificateOidcIssuer;
  const issuerRegexp = regexp(settings.certificateOidcIssuerRegexp, '--certificate-oidc-issuer-regexp');
  const hasSubject = subject !== undefined || subjectRegexp !== undefined;
  const hasIssuer = issuer !== undefined || issuerRegexp !== undefined;
  if (hasSubject && !hasIssuer) throw new PolicyError('keyless verification needs --certificate-oidc-issuer or --certificate-oidc-issuer-regexp');
  if (hasIssuer && !hasSubject) throw new PolicyError('--certificate-oidc-issuer needs --certificate-identity or --certificate-identity-regexp');
  if (!hasSubject) return undefined;
  return {
    ...(subject !== undefined ? { subject } : {}),
    ...(subjectRegexp ? { subjectRegexp } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(issuerRegexp ? { issuerRegexp } : {}),
  };
}

export async function loadGitsignTrust(settings: VerifySettings & { trustedRoot: string }): Promise<GitsignTrust> {
  const identity = keylessIdentity(settings);
  const trustedRoot = await loadTrustedRoot(settings.trustedRoot);
  return { trustedRoot, material: toTrustMaterial(trustedRoot), ...(identity ? { identity } : {}) };
}
