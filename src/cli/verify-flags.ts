import type { Command } from 'commander';
import type { ScanSettings, VerifySettings } from '../engine/settings.js';
import { RampartError } from '../errors.js';
import { checkRekorUrl } from '../verify/rekor-url.js';
import { listParser } from './list-option.js';

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
  rekorUrl?: string;
}

export function addScanVerifyOptions(command: Command): Command {
  return command
    .option('--verify', 'verify the signatures of every referenced image (needs --key, identity flags or a verify: config section)')
    .option('--key <file>', 'cosign public key (PEM) trusted for image signatures (repeat for more)', listParser(undefined, false))
    .option('--certificate-identity <identity>', 'keyless: the exact signer identity (e-mail or URI) of images and gitsign commits')
    .option('--certificate-identity-regexp <regexp>', 'keyless: a regular expression the signer identity must match')
    .option('--certificate-oidc-issuer <url>', 'keyless: the exact OIDC issuer')
    .option('--certificate-oidc-issuer-regexp <regexp>', 'keyless: a regular expression the OIDC issuer must match')
    .option('--trusted-root <file>', 'Sigstore trusted_root.json for keyless signatures (images, gitsign commits) and transparency log entries')
    .option('--insecure-ignore-tlog', 'accept key-based image signatures without a transparency log entry')
    .option('--allowed-signers <file>', 'verify commit signatures: OpenSSH allowed_signers of trusted SSH signers')
    .option('--gpg-keyring <file>', 'verify commit signatures: exported OpenPGP public keys of trusted signers')
    .option('--require-signed-since <rev>', 'only commits from this revision on must be signed')
    .option('--tags', 'verify tag signatures as well as commits')
    .option('--rekor-url <url>', 'gitsign commits signed in online mode (no Rekor entry embedded): look their entry up in this Rekor, e.g. https://rekor.sigstore.dev (network; off by default)');
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
    ...(flags.rekorUrl ? { rekorUrl: usableRekorUrl(flags.rekorUrl) } : {}),
  };
  return Object.keys(settings).length > 0 ? settings : undefined;
}

function usableRekorUrl(value: string): string {
  try {
    return checkRekorUrl(value);
  } catch (error) {
    throw new RampartError('usage', error instanceof Error ? error.message : String(error));
  }
}

/**
 * The part of `scan()` options that signature flags contribute: settings, the `verify` capability
 * and, for `--verify` without `--resolve`, a registry client of its own (closed by `close`).
 */
export async function verifyScanOptions(flags: VerifyFlags & { resolve?: boolean; insecureRegistry?: string[] }): Promise<{
  settings?: ScanSettings;
  capabilities?: ReadonlySet<'verify'>;
  close(): Promise<void>;
}> {
  const verify = verifySettingsFrom(flags);
  if (!verify) return { close: async () => undefined };
  const client = verify.images && !flags.resolve ? new (await import('../resolve/registry-client.js')).HttpRegistryClient({ insecureRegistries: flags.insecureRegistry ?? [] }) : undefined;
  return {
    settings: { verify, ...(client ? { resolve: { enabled: false, client } } : {}) },
    capabilities: new Set(['verify'] as const),
    close: async () => client?.close(),
  };
}
