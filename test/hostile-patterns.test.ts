import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { runRules } from '../src/engine/run.js';
import { Workspace } from '../src/model/workspace.js';
import { RULES } from '../src/rules/index.js';
import { cpuGrowth, describeGrowth } from './helpers/growth.js';

/**
 * Patterns a pull request writes (Kustomize patch targets and Flux tag filters, which are Go
 * regular expressions; globs of Argo CD Image Updater, policy-controller and GitLab includes) are
 * matched against names the same pull request writes. On a backtracking engine `(a|a)*c` or ten
 * stars doubles or multiplies its cost with each character of the name; every case here grows the
 * name (or the pattern) a little and may cost no more than a few times as much. The old matchers
 * took hundreds of times as long at the larger size (and minutes a few characters further).
 */
const LIMIT = 10;

async function allRules(texts: Record<string, string>): Promise<string[]> {
  const result = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, RULES);
  return result.findings.map((finding) => `${finding.ruleId} ${finding.location.path}:${finding.location.line}`);
}

/** a name of `length` a's that fails the patterns below only at its last two characters */
const nearMiss = (length: number): string => `${'a'.repeat(length)}cx`;
/** a glob of ten stars, each followed by an a, then c */
const STARS = `${'*a'.repeat(10)}*c`;

async function expectLinear(tree: (size: number) => Record<string, string>, small: number, large: number): Promise<void> {
  const growth = await cpuGrowth(() => allRules(tree(small)), () => allRules(tree(large)));
  expect(growth.ratio, describeGrowth(growth)).toBeLessThan(LIMIT);
}

const fluxTenants = (length: number): Record<string, string> => ({
  'clusters/tenants.yaml': [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1', 'kind: Kustomization', 'metadata: {name: tenants, namespace: flux-system}', 'spec:',
    '  serviceAccountName: platform', '  path: ./tenants', '  sourceRef: {kind: GitRepository, name: flux-system}', '  patches:',
    '    - patch: |', '        - op: add', '          path: /spec/serviceAccountName', '          value: tenant', '      target:', '        name: "(a|a)*c"', '',
  ].join('\n'),
  'tenants/sync.yaml': [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1', 'kind: Kustomization', `metadata: {name: ${nearMiss(length)}, namespace: t}`, 'spec:',
    '  path: ./apps', '  sourceRef: {kind: GitRepository, name: t}', '',
  ].join('\n'),
});

const imageUpdater = (length: number): Record<string, string> => ({
  'updater.yaml': [
    'apiVersion: argocd-image-updater.argoproj.io/v1alpha1', 'kind: ImageUpdater', 'metadata: {name: u, namespace: argocd}', 'spec:',
    '  commonUpdateSettings: {updateStrategy: newest-build}', '  applicationRefs:', `    - namePattern: "${STARS}"`, '      images: [{alias: web, imageName: ghcr.io/acme/web}]', '',
  ].join('\n'),
  'app.yaml': [
    'apiVersion: argoproj.io/v1alpha1', 'kind: Application', `metadata: {name: ${nearMiss(length)}, namespace: argocd}`, 'spec:',
    '  project: web', '  source: {repoURL: https://github.com/acme/deploy, path: web, targetRevision: main}', '  destination: {server: https://kubernetes.default.svc, namespace: web}', '',
  ].join('\n'),
});

const imagePolicy = (length: number): Record<string, string> => ({
  'policy.yaml': [
    'apiVersion: policy.sigstore.dev/v1beta1', 'kind: ClusterImagePolicy', 'metadata: {name: p}', 'spec:', `  images: [{glob: "ghcr.io/${STARS}"}]`,
    '  authorities: [{keyless: {url: https://fulcio.sigstore.dev}}]', '',
  ].join('\n'),
  'pod.yaml': ['apiVersion: v1', 'kind: Namespace', 'metadata: {name: apps}', '---', 'apiVersion: v1', 'kind: Pod', 'metadata: {name: p, namespace: apps}', 'spec:', '  containers:', `    - {name: c, image: "ghcr.io/${nearMiss(length)}:1"}`, ''].join('\n'),
});

const gitlabInclude = (length: number): Record<string, string> => ({
  '.gitlab-ci.yml': ['include:', `  - local: "ci/${STARS}.yml"`, 'job:', '  script: [echo]', ''].join('\n'),
  [`ci/${nearMiss(length)}.yml`]: 'other:\n  script: [echo]\n',
});

/**
 * `width` alternatives of one character, repeated, after `latest|dev` (the rule tries the tags it
 * knows in turn, and stops at the first the filter refuses): Go's engine is linear in the tag; a
 * backtracking one is width^length over `zz-attacker-push`
 */
const fluxTagFilter = (width: number): Record<string, string> => ({
  'policy.yaml': [
    'apiVersion: image.toolkit.fluxcd.io/v1beta2', 'kind: ImagePolicy', 'metadata: {name: web, namespace: flux-system}', 'spec:',
    '  imageRepositoryRef: {name: web}', `  filterTags: {pattern: '^(?:latest|dev|(?:${Array.from({ length: width }, () => '[a-z0-9.-]').join('|')})*X)$'}`, '  policy: {alphabetical: {order: asc}}', '',
  ].join('\n'),
});

describe('hostile patterns: what a pull request writes as a pattern is matched in linear time', { timeout: 180_000 }, () => {
  it('a Flux Kustomization patch target name (a Go regular expression)', async () => {
    await expectLinear(fluxTenants, 16, 26);
  });

  it('an Argo CD Image Updater namePattern glob', async () => {
    await expectLinear(imageUpdater, 14, 26);
  });

  it('a policy-controller ClusterImagePolicy image glob', async () => {
    await expectLinear(imagePolicy, 14, 26);
  });

  it('a GitLab include: local: glob', async () => {
    await expectLinear(gitlabInclude, 14, 26);
  });

  it('a Flux ImagePolicy filterTags pattern', async () => {
    await expectLinear(fluxTagFilter, 2, 3);
  });
});
