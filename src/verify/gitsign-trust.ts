import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import type { VerifySettings } from '../engine/settings.js';
import { loadTrustedRoot, PolicyError, type ImagePolicy } from './image/image-policy.js';
import { describeKeylessProblem, readKeylessSigner } from './keyless-signer.js';

export type KeylessIdentity = NonNullable<ImagePolicy['identity']>;

/** What gitsign (keyless x509) commit signatures are checked against: a Sigstore trusted root and who may sign. */
export interface GitsignTrust {
  readonly trustedRoot: TrustedRoot;
  readonly material: TrustMaterial;
  /** absent: no keyless signer is trusted, so no gitsign signature is (as cosign refuses keyless verification without one) */
  readonly identity?: KeylessIdentity;
}

/**
 * Who may sign gitsign commits: `verify.commits` of the config beneath the flags when it names signers,
 * else the flags `--certificate-identity[-regexp]` and `--certificate-oidc-issuer[-regexp]`, the same pair images need.
 */
export function keylessIdentity(settings: VerifySettings): KeylessIdentity | undefined {
  const { identity, problems } = readKeylessSigner(settings.commitSigner ?? settings);
  if (problems[0]) throw new PolicyError(describeKeylessProblem(problems[0]));
  return identity;
}

export async function loadGitsignTrust(settings: VerifySettings & { trustedRoot: string }): Promise<GitsignTrust> {
  const identity = keylessIdentity(settings);
  const named = settings.repositoryFilesWithin;
  const trustedRoot = await loadTrustedRoot(settings.trustedRoot, named?.files.includes(settings.trustedRoot) ? named.directory : undefined);
  return { trustedRoot, material: toTrustMaterial(trustedRoot), ...(identity ? { identity } : {}) };
}
