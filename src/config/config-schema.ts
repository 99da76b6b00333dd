import { z } from 'zod';
import { SEVERITIES } from '../model/severity.js';
import { KEYLESS_CONFIG_FIELDS, keylessSignerFromConfig, readKeylessSigner } from '../verify/keyless-signer.js';

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

const commitSigners = z.strictObject({
  allowedSigners: z.string().min(1).optional().describe('OpenSSH allowed_signers of trusted SSH signers (relative to this file)'),
  gpgKeyring: z.string().min(1).optional().describe('exported OpenPGP public keys of trusted signers (relative to this file)'),
  requireSignedSince: z.string().min(1).optional().describe('only commits from this revision on must be signed; its ancestors are exempt'),
  tags: z.boolean().optional().describe('verify annotated tags as well as commits'),
  identity: z.string().optional().describe('gitsign (keyless): the exact certificate identity of trusted signers'),
  identityRegexp: z.string().optional().describe('gitsign (keyless): a regular expression for the certificate identity'),
  issuer: z.string().optional().describe('gitsign (keyless): the exact OIDC issuer'),
  issuerRegexp: z.string().optional().describe('gitsign (keyless): a regular expression for the OIDC issuer'),
  rekorUrl: z.url({ protocol: /^https?$/ }).optional().describe('gitsign commits signed in online mode: look their Rekor entry up here, e.g. https://rekor.sigstore.dev (network; the --rekor-url flag wins)'),
}).superRefine((commits, context) => {
  for (const { field, reason } of readKeylessSigner(keylessSignerFromConfig(commits), KEYLESS_CONFIG_FIELDS).problems) {
    context.addIssue({ code: 'custom', path: [KEYLESS_CONFIG_FIELDS[field]], message: reason });
  }
});

export type CommitsConfig = z.infer<typeof commitSigners>;

const verifySection = z.strictObject({
  trustedRoot: z.string().optional().describe('Sigstore trusted_root.json for keyless signatures (images, gitsign commits) and Rekor entries (relative to this file)'),
  images: z.array(imageSigners).optional().describe('who must have signed which images (`scan --verify`); the first matching entry applies'),
  commits: commitSigners.optional().describe('who must have signed the commits (and tags) of the scanned repository; checked by every `rampart scan` in a git repository'),
}).superRefine((verify, context) => {
  const { commits } = verify;
  if (!commits) return;
  const keyless = commits.identity !== undefined || commits.identityRegexp !== undefined;
  if (keyless && verify.trustedRoot === undefined) {
    context.addIssue({ code: 'custom', path: ['commits', commits.identity !== undefined ? 'identity' : 'identityRegexp'], message: 'gitsign signers need verify.trustedRoot (a Sigstore trusted_root.json)' });
  }
  if (commits.allowedSigners === undefined && commits.gpgKeyring === undefined && !keyless) {
    context.addIssue({ code: 'custom', path: ['commits'], message: 'no trusted signer: give allowedSigners, gpgKeyring, or identity[Regexp] and issuer[Regexp] with verify.trustedRoot' });
  }
});

export type VerifyConfig = z.infer<typeof verifySection>;

const ruleId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'rule ids are kebab-case');

const admissionSection = z.strictObject({
  warn: z.array(ruleId).optional()
    .describe('rules whose findings never deny an object at admission: they come back to the client as warnings'),
  audit: z.array(ruleId).optional()
    .describe('rules whose findings neither deny nor warn at admission: they are recorded in the API server\'s audit log (audit annotations) and metrics only'),
  objectSelector: z.string().optional()
    .describe('judge only objects whose labels match this selector, in kubectl syntax (app=web,env in (prod,staging),!rampart.dev/skip); the others are allowed unjudged'),
});

export type AdmissionConfig = z.infer<typeof admissionSection>;

const serviceAccountNames = z.array(z.string().min(1)).min(1);
const watchSection = z.strictObject({
  controllers: z.strictObject({
    argocd: serviceAccountNames.optional().describe('the identities Argo CD applies with (default system:serviceaccount:argocd:argocd-application-controller)'),
    flux: serviceAccountNames.optional().describe('the identities Flux applies with (default the flux-system kustomize-controller and helm-controller service accounts)'),
  }).optional().describe('trusted controller identities: the only ones that may change what they manage'),
  protectedBranch: z.string().min(1).optional().describe('the branch every deployed revision must be on (default main); trusted signers are verify.commits'),
  secretNamespaces: z.array(z.string().min(1)).optional().describe('namespaces besides their own whose Secrets the controllers may read'),
  argocdTracking: z.enum(['annotation', 'label']).optional().describe('how Argo CD marks what it applies: annotation (the default since 3.0) or label (app.kubernetes.io/instance, counted too)'),
});

export type WatchConfig = z.infer<typeof watchSection>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), 'not a calendar date');

const imageIgnore = z.strictObject({
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'an advisory id such as CVE-2024-3094, GHSA-xxxx-xxxx-xxxx or PYSEC-2023-192')
    .describe('the advisory id or any of its aliases (CVE, GHSA, OSV id)'),
  reason: z.string().trim().min(1, 'say why the advisory does not apply').describe('why the advisory does not apply (required)'),
  expires: isoDate.describe('the last day the ignore applies (YYYY-MM-DD, UTC); after it the findings are reported again and the expired entry is named'),
  images: z.array(z.string().min(1)).optional().describe('only for these images (registry/repository globs: `*` within a path segment, `**` across); default every image'),
});

export type ImageIgnore = z.infer<typeof imageIgnore>;

const imagesSection = z.strictObject({
  minSeverity: severity.optional().describe('`scan --analyze-images` and `rampart image`: report image findings at or above this severity only (default: all)'),
  ignore: z.array(imageIgnore).optional().describe('advisories that do not apply, each with a reason and an expiry date'),
});

export type ImagesConfig = z.infer<typeof imagesSection>;

/** `.rampart.yaml`: one schema is the type, the validation and the published JSON schema. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  failOn: z.union([severity, z.literal('none')]).optional()
    .describe('lowest severity that makes `rampart scan` exit 1 (default high)'),
  rules: z.record(ruleId, ruleSetting).optional()
    .describe('per-rule settings: off, on, a severity, or {enabled, severity}'),
  ignore: z.array(z.string()).optional()
    .describe('paths to skip, in .gitignore syntax, relative to the scanned root'),
  registries: z.strictObject({
    allowed: z.array(z.string().min(1)).optional()
      .describe('registries (and optional path prefixes) images may come from, e.g. ghcr.io/acme; `*` matches one DNS label'),
  }).optional(),
  sources: z.strictObject({
    allowed: z.array(z.string().min(1)).optional()
      .describe('where Git repositories, Helm charts, OCI artifacts and Terraform modules may come from: a host and optional path prefix, e.g. github.com/acme, https://charts.example.com, oci://ghcr.io/acme/charts; `*` matches one DNS label or path segment'),
  }).optional(),
  verify: verifySection.optional().describe('trusted signers of images (`rampart scan --verify`) and of commits'),
  images: imagesSection.optional().describe('what `scan --analyze-images` reports about the images the repository deploys: a severity threshold and ignored advisories'),
  admission: admissionSection.optional().describe('the admission webhook (`rampart serve admission`): per-rule modes and which objects it judges'),
  watch: watchSection.optional().describe('`rampart watch`: trusted controller identities, the protected branch, namespaces whose Secrets controllers may read (flags win)'),
  maxFileSize: size.optional().describe('files above this size are skipped (default 10MB)'),
  maxFindingsPerFile: z.number().int().positive().optional().describe('findings of one rule in one file that are listed; the rest are counted in a note (default 100)'),
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
