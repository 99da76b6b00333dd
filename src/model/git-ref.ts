/**
 * What a git revision name says about immutability. Only a full commit SHA names fixed content;
 * every other name is a pointer someone can move.
 *
 * - `commit`: 40 hex (SHA-1) or 64 hex (SHA-256) characters
 * - `short-commit`: 7–39 hex characters with a digit: an abbreviation (a branch or tag of the
 *   same name wins over it in `git fetch`, and abbreviations can collide)
 * - `tag`: a release-looking name (`v1.2.3`, `1.2.3`, `v4`, `kustomize/v5.4.1`) or `refs/tags/…`
 * - `range`: a semver constraint (`^1.2`, `~1`, `>=1.0`, `1.x`, `*`)
 * - `head`: `HEAD`
 * - `branch`: a well-known branch name (`main`, `master`, `develop`, `release/x`, `refs/heads/…`)
 * - `name`: any other name, a branch or a tag: git cannot tell from the name
 * - `missing`: nothing given: the default branch
 */
export type GitRefKind = 'commit' | 'short-commit' | 'tag' | 'range' | 'head' | 'branch' | 'name' | 'missing';

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const SHORT_SHA = /^(?=[0-9a-f]*\d)[0-9a-f]{7,39}$/i;
/** major.minor.patch with optional `v`, pre-release and build; or `v` + major[.minor] (action major tags) */
const VERSION_TAG = /^(?:v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?|v\d+(?:\.\d+)?)$/;
/** a component prefix before the version: `helm-chart-1.2.3`, `kustomize/v5.4.1`, `argo-cd-7.1.0` */
const PREFIXED_VERSION_TAG = /^[A-Za-z][\w.-]*[-/_@](?:v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?)$/;
const WELL_KNOWN_BRANCHES = new Set(['main', 'master', 'develop', 'development', 'dev', 'trunk', 'stable', 'staging', 'production', 'prod', 'next', 'canary', 'nightly', 'edge', 'gh-pages']);
/** `release/1.2`, `release-1.20`, `releases/x`, `feature/x`, `hotfix-x`: branch naming conventions */
const BRANCH_PREFIX = /^(?:release|releases|feature|feat|fix|bugfix|hotfix|dev|develop|renovate|dependabot)[-/]/i;
/** characters git forbids in ref names but semver constraints use */
const RANGE = /[\^~*<>|=,]|(?:^|\.)[xX](?:\.|$)|\s-\s|\s/;

export function isFullCommitSha(ref: string): boolean {
  return FULL_SHA.test(ref);
}

export function classifyGitRef(ref: string | undefined): GitRefKind {
  const value = ref?.trim() ?? '';
  if (value === '') return 'missing';
  if (value === 'HEAD') return 'head';
  if (FULL_SHA.test(value)) return 'commit';
  if (value.startsWith('refs/heads/')) return 'branch';
  if (value.startsWith('refs/tags/')) return 'tag';
  // `release/3.x` is a branch, not a range: no constraint starts with a branch prefix
  if (BRANCH_PREFIX.test(value)) return 'branch';
  if (RANGE.test(value)) return 'range';
  if (WELL_KNOWN_BRANCHES.has(value.toLowerCase())) return 'branch';
  if (VERSION_TAG.test(value) || PREFIXED_VERSION_TAG.test(value)) return 'tag';
  if (SHORT_SHA.test(value)) return 'short-commit';
  return 'name';
}

/** Words for messages: "branch `main`", "tag `v1.2.3`", … */
export function describeGitRef(kind: GitRefKind, ref: string | undefined): string {
  switch (kind) {
    case 'commit': return `commit ${ref ?? ''}`;
    case 'short-commit': return `abbreviated commit \`${ref ?? ''}\``;
    case 'tag': return `tag \`${ref ?? ''}\``;
    case 'range': return `version range \`${ref ?? ''}\``;
    case 'head': return '`HEAD`';
    case 'branch': return `branch \`${ref ?? ''}\``;
    case 'name': return `branch or tag \`${ref ?? ''}\``;
    case 'missing': return 'no revision (the default branch)';
  }
}

/**
 * Versions of a released package (Helm chart, Terraform registry module), Masterminds/semver
 * and Terraform style:
 * - `exact`: `1.2.3`, `v1.2.3`, `=1.2.3`, `= 1.2.3`, with pre-release or build;
 * - `partial`: `1.2`, `1`: Masterminds reads them as `1.2.x` and `1.x`; Argo CD as `1.2.0`;
 * - `range`: anything with an operator, wildcard, `||`, a comma or a hyphen range;
 * - `missing`.
 */
export type VersionKind = 'exact' | 'partial' | 'range' | 'missing';

const EXACT_VERSION = /^=?\s*v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const PARTIAL_VERSION = /^=?\s*v?\d+(?:\.\d+)?$/;

export function classifyVersion(version: string | undefined): VersionKind {
  const value = version?.trim() ?? '';
  if (value === '') return 'missing';
  if (EXACT_VERSION.test(value)) return 'exact';
  if (PARTIAL_VERSION.test(value)) return 'partial';
  return 'range';
}

/**
 * Values built by a template or substitution (`{{ }}`, `${VAR}`, `$(VAR)`, `$VAR`, a Flux Operator
 * ResourceSet's `<< inputs.sha >>`, makejinja's `#{ branch }#`) that only rendering can judge.
 */
export function isTemplatedValue(value: string): boolean {
  return /\{\{|\$[{(A-Za-z_]|<%|%\{|^<[A-Z_]+>$|<<\s*inputs\b|#\{[^}]*\}#/.test(value);
}
