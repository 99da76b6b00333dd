import type { VerifyConfig } from '../config/schema.js';
import type { VerifySettings } from '../engine/settings.js';
import { checksCommitSignatures } from './commit-scan.js';
import { keylessFields, keylessSignerFromConfig, type KeylessSigner } from './keyless-signer.js';

/**
 * The scan's signature settings with `.rampart.yaml`'s commit policy beneath the flags: a flag wins
 * over the same config field. The config's `trustedRoot` also serves gitsign commits.
 */
export function withConfigCommitPolicy(flags: VerifySettings | undefined, config: VerifyConfig | undefined, source?: string, namedFilesWithin?: string): VerifySettings | undefined {
  const flagsCheckCommits = checksCommitSignatures(flags);
  const trustedRoot = config?.trustedRoot;
  const commits = config?.commits;
  if (!commits) {
    if (!flagsCheckCommits || !trustedRoot || flags?.trustedRoot) return flags;
    return { ...flags, trustedRoot, ...(namedFilesWithin !== undefined ? { repositoryFilesWithin: { directory: namedFilesWithin, files: [trustedRoot] } } : {}) };
  }
  const configSigner = keylessSignerFromConfig(commits);
  return {
    ...(commits.allowedSigners ? { allowedSigners: commits.allowedSigners } : {}),
    ...(commits.gpgKeyring ? { gpgKeyring: commits.gpgKeyring } : {}),
    ...(commits.requireSignedSince ? { requireSignedSince: commits.requireSignedSince } : {}),
    ...(commits.tags ? { tags: true } : {}),
    ...(commits.rekorUrl ? { rekorUrl: commits.rekorUrl } : {}),
    ...(trustedRoot ? { trustedRoot } : {}),
    ...flags,
    ...(Object.keys(configSigner).length > 0 ? { commitSigner: overrideSigner(configSigner, keylessFields(flags ?? {})) } : {}),
    ...(!flagsCheckCommits && source ? { commitPolicyFrom: source } : {}),
    ...repositoryFiles(flags, { ...commits, ...(trustedRoot ? { trustedRoot } : {}) }, namedFilesWithin),
  };
}

/** The trust files the repository's config names (and no flag replaced) may not lead out of the repository. */
function repositoryFiles(flags: VerifySettings | undefined, commits: NonNullable<VerifyConfig['commits']> & { trustedRoot?: string }, within: string | undefined): Pick<VerifySettings, 'repositoryFilesWithin'> {
  if (within === undefined) return {};
  const files = [
    ...(commits.trustedRoot && !flags?.trustedRoot ? [commits.trustedRoot] : []),
    ...(commits.allowedSigners && !flags?.allowedSigners ? [commits.allowedSigners] : []),
    ...(commits.gpgKeyring && !flags?.gpgKeyring ? [commits.gpgKeyring] : []),
  ];
  return files.length > 0 ? { repositoryFilesWithin: { directory: within, files } } : {};
}

/** The identity (exact or regexp) and the issuer (exact or regexp) are each one field: a flag replaces the config's pair member. */
function overrideSigner(config: KeylessSigner, flags: KeylessSigner): KeylessSigner {
  const identityFlagged = flags.certificateIdentity !== undefined || flags.certificateIdentityRegexp !== undefined;
  const issuerFlagged = flags.certificateOidcIssuer !== undefined || flags.certificateOidcIssuerRegexp !== undefined;
  const from = (flagged: boolean): KeylessSigner => (flagged ? flags : config);
  return keylessFields({
    certificateIdentity: from(identityFlagged).certificateIdentity,
    certificateIdentityRegexp: from(identityFlagged).certificateIdentityRegexp,
    certificateOidcIssuer: from(issuerFlagged).certificateOidcIssuer,
    certificateOidcIssuerRegexp: from(issuerFlagged).certificateOidcIssuerRegexp,
  });
}
