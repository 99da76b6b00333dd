import path from 'node:path';
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../model/severity.js';

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

export interface RuleSetting {
  readonly enabled: boolean;
  readonly severity?: Severity;
}

export interface ResolvedConfig {
  readonly failOn: Severity | 'none';
  readonly rules: ReadonlyMap<string, RuleSetting>;
  readonly ignore: readonly string[];
  readonly allowedRegistries: readonly string[];
  readonly maxFileSize: number;
  readonly docsBaseUrl: string;
  /** image signers for `scan --verify`, with file paths resolved against the config file's directory */
  readonly verify?: VerifyConfig;
  /** where the config came from, for messages */
  readonly source?: string;
}

export const DEFAULT_DOCS_BASE_URL = 'https://github.com/rampart-gitops/rampart/blob/main/docs/rules';
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

export function resolveConfig(file: ConfigFile, source?: string): ResolvedConfig {
  const rules = new Map<string, RuleSetting>();
  for (const [id, setting] of Object.entries(file.rules ?? {})) {
    if (setting === 'off') rules.set(id, { enabled: false });
    else if (setting === 'on') rules.set(id, { enabled: true });
    else if (typeof setting === 'string') rules.set(id, { enabled: true, severity: setting });
    else rules.set(id, { enabled: setting.enabled ?? true, ...(setting.severity ? { severity: setting.severity } : {}) });
  }
  return {
    failOn: file.failOn ?? 'high',
    rules,
    ignore: file.ignore ?? [],
    allowedRegistries: file.registries?.allowed ?? [],
    maxFileSize: parseSize(file.maxFileSize) ?? DEFAULT_MAX_FILE_SIZE,
    docsBaseUrl: (file.docsBaseUrl ?? DEFAULT_DOCS_BASE_URL).replace(/\/+$/, ''),
    ...(file.verify ? { verify: resolveVerifyPaths(file.verify, source) } : {}),
    ...(source ? { source } : {}),
  };
}

export const DEFAULT_CONFIG: ResolvedConfig = resolveConfig({});

function resolveVerifyPaths(verify: VerifyConfig, source: string | undefined): VerifyConfig {
  const base = source ? path.dirname(source) : '.';
  const resolve = (file: string): string => path.resolve(base, file);
  return {
    ...verify,
    ...(verify.trustedRoot ? { trustedRoot: resolve(verify.trustedRoot) } : {}),
    ...(verify.images ? { images: verify.images.map((entry) => (entry.keys ? { ...entry, keys: entry.keys.map(resolve) } : entry)) } : {}),
  };
}

export function parseSize(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)$/i.exec(value);
  if (!match) return undefined;
  const units: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
  return Math.round(Number(match[1]) * (units[(match[2] ?? 'B').toUpperCase()] ?? 1));
}

export function configJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(configSchema, { target: 'draft-7' }),
    $id: 'https://rampart.dev/schema/rampart-config.json',
    title: 'Rampart configuration (.rampart.yaml)',
  };
}
