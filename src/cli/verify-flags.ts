import type { Command } from 'commander';
import type { ScanSettings, VerifySettings } from '../engine/settings.js';
import { HttpRegistryClient } from '../resolve/registry-client.js';
import { checksCommitSignatures } from '../verify/commit-scan.js';

/** The signature flags `rampart scan` shares with `rampart verify`. */
export interface VerifyFlags {
  verify?: boolean;
  key?: string[];
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  trustedRoot?: string;
  insecureIgnoreTlog?: boolean;
  allowedSigners?: string;
  gpgKeyring?: string;
  requireSignedSince?: string;
  tags?: boolean;
}

export function addScanVerifyOptions(command: Command): Command {
  return command
    .option('--verify', 'verify the signatures of every referenced image (needs --key, identity flags or a verify: config section)')
    .option('--key <file...>', 'cosign public key (PEM) trusted for image signatures')
    .option('--certificate-identity <identity>', 'keyless: the exact signer identity (e-mail or URI) of images and gitsign commits')
    .option('--certificate-identity-regexp <regexp>', 'keyless: a regular expression the signer identity must match')
    .option('--certificate-oidc-issuer <url>', 'keyless: the exact OIDC issuer')
    .option('--certificate-oidc-issuer-regexp <regexp>', 'keyless: a regular expression the OIDC issuer must match')
    .option('--trusted-root <file>', 'Sigstore trusted_root.json for keyless signatures (images, gitsign commits) and transparency log entries')
    .option('--insecure-ignore-tlog', 'accept key-based image signatures without a transparency log entry')
    .option('--allowed-signers <file>', 'verify commit signatures: OpenSSH allowed_signers of trusted SSH signers')
    .option('--gpg-keyring <file>', 'verify commit signatures: exported OpenPGP public keys of trusted signers')
    .option('--require-signed-since <rev>', 'only commits from this revision on must be signed')
    .option('--tags', 'verify tag signatures as well as commits');
}

/** Settings for the scan, or undefined when no signature check was asked for. */
export function verifySettingsFrom(flags: VerifyFlags): VerifySettings | undefined {
  const settings: VerifySettings = {
    ...(flags.verify ? { images: true } : {}),
    ...(flags.key ? { keys: flags.key } : {}),
    ...(flags.certificateIdentity ? { certificateIdentity: flags.certificateIdentity } : {}),
    ...(flags.certificateIdentityRegexp ? { certificateIdentityRegexp: flags.certificateIdentityRegexp } : {}),
    ...(flags.certificateOidcIssuer ? { certificateOidcIssuer: flags.certificateOidcIssuer } : {}),
    ...(flags.certificateOidcIssuerRegexp ? { certificateOidcIssuerRegexp: flags.certificateOidcIssuerRegexp } : {}),
    ...(flags.trustedRoot ? { trustedRoot: flags.trustedRoot } : {}),
    ...(flags.insecureIgnoreTlog ? { insecureIgnoreTlog: true } : {}),
    ...(flags.allowedSigners ? { allowedSigners: flags.allowedSigners } : {}),
    ...(flags.gpgKeyring ? { gpgKeyring: flags.gpgKeyring } : {}),
    ...(flags.requireSignedSince ? { requireSignedSince: flags.requireSignedSince } : {}),
    ...(flags.tags ? { tags: true } : {}),
  };
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/** Whether the scan checks commit (and tag) signatures. */
export function verifiesCommits(settings: VerifySettings | undefined): boolean {
  return checksCommitSignatures(settings);
}

/**
 * The part of `scan()` options that signature flags contribute: settings, the `verify` capability
 * and, for `--verify` without `--resolve`, a registry client of its own (closed by `close`).
 */
export function verifyScanOptions(flags: VerifyFlags & { resolve?: boolean; insecureRegistry?: string[] }): {
  settings?: ScanSettings;
  capabilities?: ReadonlySet<'verify'>;
  close(): Promise<void>;
} {
  const verify = verifySettingsFrom(flags);
  if (!verify) return { close: async () => undefined };
  const client = verify.images && !flags.resolve ? new HttpRegistryClient({ insecureRegistries: flags.insecureRegistry ?? [] }) : undefined;
  return {
    settings: { verify, ...(client ? { resolve: { enabled: false, client } } : {}) },
    capabilities: new Set(['verify'] as const),
    close: async () => client?.close(),
  };
}
