/*
 * The keyless (Fulcio certificate) signer rules that the flags and `.rampart.yaml` share. No
 * Sigstore import here: the config validator uses these rules too.
 */

import { goRegExp } from '../go-regexp.js';

/** Who may sign keylessly, as `--certificate-identity[-regexp]` and `--certificate-oidc-issuer[-regexp]` give it. */
export interface KeylessSigner {
  readonly certificateIdentity?: string;
  readonly certificateIdentityRegexp?: string;
  readonly certificateOidcIssuer?: string;
  readonly certificateOidcIssuerRegexp?: string;
}

export interface KeylessIdentity {
  readonly subject?: string;
  readonly subjectRegexp?: RegExp;
  readonly issuer?: string;
  readonly issuerRegexp?: RegExp;
}

/** How each field is called where the user wrote it, for messages. */
export type KeylessFieldNames = Readonly<Record<keyof KeylessSigner, string>>;

export const KEYLESS_FLAGS: KeylessFieldNames = {
  certificateIdentity: '--certificate-identity',
  certificateIdentityRegexp: '--certificate-identity-regexp',
  certificateOidcIssuer: '--certificate-oidc-issuer',
  certificateOidcIssuerRegexp: '--certificate-oidc-issuer-regexp',
};

/** The same fields in `.rampart.yaml` (`verify.images[]`, `verify.commits`). */
export const KEYLESS_CONFIG_FIELDS = {
  certificateIdentity: 'identity',
  certificateIdentityRegexp: 'identityRegexp',
  certificateOidcIssuer: 'issuer',
  certificateOidcIssuerRegexp: 'issuerRegexp',
} as const satisfies KeylessFieldNames;

type KeylessConfigFields = { readonly [Field in keyof KeylessSigner as (typeof KEYLESS_CONFIG_FIELDS)[Field]]?: string | undefined };

/** A config entry's `identity`, `identityRegexp`, `issuer`, `issuerRegexp` in the shape of the flags. */
export function keylessSignerFromConfig(entry: KeylessConfigFields): KeylessSigner {
  return {
    ...(entry.identity !== undefined ? { certificateIdentity: entry.identity } : {}),
    ...(entry.identityRegexp !== undefined ? { certificateIdentityRegexp: entry.identityRegexp } : {}),
    ...(entry.issuer !== undefined ? { certificateOidcIssuer: entry.issuer } : {}),
    ...(entry.issuerRegexp !== undefined ? { certificateOidcIssuerRegexp: entry.issuerRegexp } : {}),
  };
}

/** A problem with one field; `reason` does not repeat the field's name. */
export interface KeylessProblem {
  readonly field: keyof KeylessSigner;
  readonly reason: string;
}

/** Only the keyless fields of `source`, and only those that are set. */
export function keylessFields(source: { readonly [Field in keyof KeylessSigner]?: string | undefined }): KeylessSigner {
  const { certificateIdentity, certificateIdentityRegexp, certificateOidcIssuer, certificateOidcIssuerRegexp } = source;
  return {
    ...(certificateIdentity !== undefined ? { certificateIdentity } : {}),
    ...(certificateIdentityRegexp !== undefined ? { certificateIdentityRegexp } : {}),
    ...(certificateOidcIssuer !== undefined ? { certificateOidcIssuer } : {}),
    ...(certificateOidcIssuerRegexp !== undefined ? { certificateOidcIssuerRegexp } : {}),
  };
}

/**
 * The identity (exact or regexp) and the issuer (exact or regexp) come together or not at all, and
 * the regular expressions compile. `identity` is undefined when no keyless signer is named.
 */
export function readKeylessSigner(signer: KeylessSigner, names: KeylessFieldNames = KEYLESS_FLAGS): { identity?: KeylessIdentity; problems: KeylessProblem[] } {
  const problems: KeylessProblem[] = [];
  const compile = (field: 'certificateIdentityRegexp' | 'certificateOidcIssuerRegexp'): RegExp | undefined => {
    const source = signer[field];
    if (source === undefined) return undefined;
    const result = goRegExp(source);
    if ('regex' in result) return result.regex;
    problems.push({ field, reason: result.error });
    return undefined;
  };
  const subject = signer.certificateIdentity;
  const subjectRegexp = compile('certificateIdentityRegexp');
  const issuer = signer.certificateOidcIssuer;
  const issuerRegexp = compile('certificateOidcIssuerRegexp');
  const subjectField = subject !== undefined ? 'certificateIdentity' : signer.certificateIdentityRegexp !== undefined ? 'certificateIdentityRegexp' : undefined;
  const issuerField = issuer !== undefined ? 'certificateOidcIssuer' : signer.certificateOidcIssuerRegexp !== undefined ? 'certificateOidcIssuerRegexp' : undefined;
  if (subjectField && !issuerField) problems.push({ field: subjectField, reason: `keyless verification needs ${names.certificateOidcIssuer} or ${names.certificateOidcIssuerRegexp}` });
  if (issuerField && !subjectField) problems.push({ field: issuerField, reason: `needs ${names.certificateIdentity} or ${names.certificateIdentityRegexp}` });
  if (!subjectField || problems.length > 0) return { problems };
  return {
    identity: {
      ...(subject !== undefined ? { subject } : {}),
      ...(subjectRegexp ? { subjectRegexp } : {}),
      ...(issuer !== undefined ? { issuer } : {}),
      ...(issuerRegexp ? { issuerRegexp } : {}),
    },
    problems,
  };
}

/** A problem as one message that names its field, e.g. `--certificate-identity-regexp: invalid regular expression: …`. */
export function describeKeylessProblem(problem: KeylessProblem, names: KeylessFieldNames = KEYLESS_FLAGS): string {
  return `${names[problem.field]}: ${problem.reason}`;
}
