/**
 * Image references by the distribution/reference grammar
 * (github.com/distribution/reference, the grammar every registry client shares).
 * Built from named pieces so each can be read and tested on its own.
 */

/** [a-z0-9]+ : one run of lowercase letters and digits */
const alphaNumeric = '[a-z0-9]+';
/** separators allowed inside a path component: period, one or two underscores, or dashes */
const separator = '(?:[._]|__|[-]+)';
/** a path component: alpha-numerics joined by separators */
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
/** a domain label: letters, digits, inner dashes */
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
/** a domain name, an IPv6 literal in brackets, with an optional port */
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domain = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
/** a tag: a word character then up to 127 word characters, dots and dashes */
const tag = '[\\w][\\w.-]{0,127}';
/** a digest: algorithm (components joined by + . _ -) ':' at least 32 hex digits */
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const referencePattern = new RegExp(
  `^(${remoteName})(?::(${tag}))?(?:@(${digest}))?$`,
);
const domainOnlyPattern = new RegExp(`^${domain}$`);

export const DEFAULT_REGISTRY = 'docker.io';
const NAME_TOTAL_LENGTH_MAX = 255;

export interface ImageReference {
  /** the text as written */
  readonly raw: string;
  /** registry host, with port if any; docker.io when none was written */
  readonly registry: string;
  /** repository path inside the registry, `library/` added for official docker.io images */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** registry/repository */
  readonly name: string;
  /** name[:tag][@digest] in canonical form */
  readonly canonical: string;
}

export type ParseResult =
  | { readonly ok: true; readonly reference: ImageReference }
  | { readonly ok: false; readonly reason: string };

/** A first path component is a registry when it has a dot or a port, is localhost, or has capitals. */
function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || /[A-Z]/.test(component);
}

export function parseImageReference(raw: string): ParseResult {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'the reference is empty' };
  if (/\s/.test(text)) return { ok: false, reason: 'the reference contains white space' };

  const slash = text.indexOf('/');
  let registry: string | undefined;
  let rest = text;
  if (slash !== -1) {
    const first = text.slice(0, slash);
    if (looksLikeRegistry(first)) {
      if (!domainOnlyPattern.test(first)) return { ok: false, reason: `"${first}" is not a valid registry host` };
      if (!/[.:]/.test(first) && first !== 'localhost') {
        // distribution takes it for a host only because of its capitals: almost always a mistyped repository
        return { ok: false, reason: `"${first}" would be taken as a registry host because of its capital letters; repository names must be lowercase` };
      }
      registry = first;
      rest = text.slice(slash + 1);
    }
  }
  const match = referencePattern.exec(rest);
  if (!match) return { ok: false, reason: explainInvalid(rest) };
  const [, path, tagPart, digestPart] = match;
  if (!path) return { ok: false, reason: 'the reference has no repository name' };
  const digestProblem = digestPart === undefined ? undefined : checkDigest(digestPart);
  if (digestProblem) return { ok: false, reason: digestProblem };
  const host = normaliseRegistry(registry ?? DEFAULT_REGISTRY);
  const repository = host === DEFAULT_REGISTRY && !path.includes('/') ? `library/${path}` : path;
  const name = `${host}/${repository}`;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    return { ok: false, reason: `the repository name is longer than ${NAME_TOTAL_LENGTH_MAX} characters` };
  }
  const canonical = `${name}${tagPart ? `:${tagPart}` : ''}${digestPart ? `@${digestPart}` : ''}`;
  return {
    ok: true,
    reference: {
      raw,
      registry: host,
      repository,
      name,
      canonical,
      ...(tagPart ? { tag: tagPart } : {}),
      ...(digestPart ? { digest: digestPart } : {}),
    },
  };
}

/** Registered digest algorithms (OCI image spec 1.1) and their lengths; registries reject any other. */
const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha512: 128, blake3: 64 };

function checkDigest(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const length = DIGEST_HEX_LENGTHS[algorithm];
  if (length === undefined) return `the digest algorithm "${algorithm}" is not sha256, sha512 or blake3`;
  return new RegExp(`^[0-9a-f]{${length}}$`).test(digest.slice(colon + 1)) ? undefined : `a ${algorithm} digest must be ${length} lowercase hex digits`;
}

function normaliseRegistry(host: string): string {
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DEFAULT_REGISTRY : host;
}

function explainInvalid(rest: string): string {
  if (/[A-Z]/.test(rest.split(/[:@]/)[0] ?? '')) return 'repository names must be lowercase';
  if (rest.includes('@') && !/@[A-Za-z][A-Za-z0-9+._-]*:[0-9a-fA-F]{32,}$/.test(rest)) {
    return 'the digest is not of the form algorithm:hex';
  }
  if (/:[^/@]*$/.test(rest.split('@')[0] ?? '')) return 'the tag has characters a tag may not have, or is over 128 long';
  return 'it is not a valid image reference (registry/repository[:tag][@digest])';
}

/**
 * Text that is a template, a variable or a placeholder cannot be judged without rendering it:
 * `{{ }}`, `${VAR}`, `$(VAR)`, `$VAR` anywhere (`$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA`; no reference
 * holds a `$`), `<%= %>`, angle-bracket hints (`<your-image>`, which no
 * reference can contain), single-brace fields a script or format string fills (`{IMAGE}`, `{registry}/app:{tag}`),
 * tokens a script or release pipeline replaces, which no reference can hold either: autoconf-style
 * `@NAME@` (`gcr.io/@PROJECT_ID@/app`, filled by sed) and `#{NAME}#` (Azure DevOps and Octopus token
 * replacement), one upper-case word (`IMAGE`, `APP_IMAGE`: substituted by CI, or by a
 * kustomize `images:` entry of that name), a word in capitals as a label or segment before the
 * image's name (`REGION-docker.pkg.dev/PROJECT_ID/repo/app`, `AWS_ACCOUNT_ID.dkr.ecr.REGION.amazonaws.com/app`:
 * what a tutorial tells the reader to fill in), and `ko://` import paths, which `ko resolve` builds and
 * replaces with a digest reference.
 */
export function isTemplated(value: string): boolean {
  return /\{\{|\{[A-Za-z_][\w.-]*\}|\$[{(A-Za-z_]|<%|%\{|<[^<>]*>|@[A-Za-z_][\w.-]*@|#\{[^}]*\}|^ko:\/\/|^_*[A-Z][A-Z0-9_]*$|(?:^|[/.-])(?:[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]|[A-Z]{4,})(?=[/.-])/.test(value);
}

export function hasDigest(reference: ImageReference): boolean {
  return reference.digest !== undefined;
}
