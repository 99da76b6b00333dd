import { z } from 'zod';
import { SEVERITIES } from '../model/severity.js';

/*
 * The zod schema of `.rampart.yaml`, loaded only when a config file is read: zod is most of the
 * CLI's code, and a scan without a config file does without it.
 */

const severity = z.enum(SEVERITIES);

const ruleSetting = z.union([
  z.literal('off').describe('disable the rule'),
  z.literal('on').describe('enable the rule with its default severity'),
  severity.describe('enable the rule with this severity'),
  z.strictObject({
    enabled: z.boolean().optional(),
    severity: severity.optional(),
  }),
]);

const size = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB)$/i, 'a size such as "10MB"'),
]);

const imageSigners = z.strictObject({
  match: z.string().min(1).describe('image name glob (registry/repository, no tag): `*` within one path segment, `**` across segments'),
  keys: z.array(z.string().min(1)).optional().describe('cosign public keys (PEM files, relative to this file)'),
  identity: z.string().optional().describe('keyless: the exact certificate identity'),
  identityRegexp: z.string().optional().describe('keyless: a regular expression for the certificate identity'),
  issuer: z.string().optional().describe('keyless: the exact OIDC issuer'),
  issuerRegexp: z.string().optional().describe('keyless: a regular expression for the OIDC issuer'),
  ignoreTlog: z.boolean().optional().describe('accept key-based signatures without a transparency log entry'),
});

const verifySection = z.strictObject({
  trustedRoot: z.string().optional().describe('Sigstore trusted_root.json for keyless signatures and Rekor entries (relative to this file)'),
  images: z.array(imageSigners).optional().describe('who must have signed which images (`scan --verify`); the first matching entry applies'),
});

export type VerifyConfig = z.infer<typeof verifySection>;

/** `.rampart.yaml`: one schema is the type, the validation and the published JSON schema. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  failOn: z.union([severity, z.literal('none')]).optional()
    .describe('lowest severity that makes `rampart scan` exit 1 (default high)'),
  rules: z.record(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'rule ids are kebab-case'), ruleSetting).optional()
    .describe('per-rule settings: off, on, a severity, or {enabled, severity}'),
  ignore: z.array(z.string()).optional()
    .describe('paths to skip, in .gitignore syntax, relative to the scanned root'),
  registries: z.strictObject({
    allowed: z.array(z.string().min(1)).optional()
      .describe('registries (and optional path prefixes) images may come from, e.g. ghcr.io/acme; `*` matches one DNS label'),
  }).optional(),
  verify: verifySection.optional().describe('trusted signers of images, for `rampart scan --verify`'),
  maxFileSize: size.optional().describe('files above this size are skipped (default 10MB)'),
  docsBaseUrl: z.url().optional().describe('where rule documentation is published; rule pages are <docsBaseUrl>/<rule-id>.md'),
});

export type ConfigFile = z.infer<typeof configSchema>;

export function configJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(configSchema, { target: 'draft-7' }),
    $id: 'https://rampart.dev/schema/rampart-config.json',
    title: 'Rampart configuration (.rampart.yaml)',
  };
}
