import { isMap } from 'yaml';
import { apiGroup, describeObject, type KubeObject } from '../../model/kubernetes.js';
import { classifyGitRef, classifyVersion, describeGitRef, isTemplatedValue } from '../../model/git-ref.js';
import type { Span } from '../../model/span.js';
import { getNode, spanOf, type Node } from '../../model/yaml.js';
import { defineRule, type ReportDescriptor, type RuleContext } from '../rule.js';
import { objectsWithRendered } from '../operators/chart-objects.js';
import { deref, hasNonScalar, isOwnRepository, scalarText, type ScalarText } from './support.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

type MessageId = 'branch' | 'own' | 'tag' | 'oci' | 'chart' | 'distribution';
const DIGEST = /^sha256:[0-9a-f]{64}$/i;

export default defineRule({
  id: 'flux-source-unpinned',
  layer: 'dependencies',
  severity: 'medium',
  objectKinds: ['GitRepository', 'OCIRepository', 'HelmChart', 'FluxInstance', ...CHART_VALUES_HOLDERS],
  summary: 'A Flux source follows a branch, a tag, a version range or `latest` instead of a commit, digest or exact chart version.',
  rationale:
    'Flux\'s source-controller re-resolves every source on each interval and the cluster follows: a `GitRepository` ' +
    'on a branch (no `ref` means `master`), an `OCIRepository` on a tag or semver range (no `ref` means `latest`), and ' +
    'a `HelmRelease`/`HelmChart` chart `version` range (no version means `*`) all let a push or a release elsewhere ' +
    'change the cluster without a commit here. Git tags (`ref.tag`, `ref.semver`) are mutable but usually release-' +
    'controlled, so they are reported at low severity; a branch of this repository itself (its own git remote) is ' +
    'normal GitOps and also low. HelmRelease chart version ranges are reported by this rule and not by ' +
    '`helm-dependency-unpinned`: Flux turns `spec.chart` into a HelmChart source that it re-resolves on every ' +
    'interval, so it is a Flux source like the others, and one rule reporting it keeps each range reported once. ' +
    'An OCIRepository holding a Helm chart (a chart `layerSelector`, or the target of a HelmRelease `chartRef`) at an ' +
    'exact version tag is a chart release, pinned like `version: 1.2.3`; other OCI tags are reported. ' +
    'A HelmRelease with `chartRef` is judged at the OCIRepository or HelmChart it references. Flux Operator ' +
    '`FluxInstance.spec.sync.ref` is checked the same way (`refs/heads/main@sha1:<sha>` and `@sha256:<digest>` are pinned), ' +
    'and so is its `spec.distribution.version`: a range (`2.x`, `>=2.3.0`, `2.4`) lets the operator upgrade the ' +
    'Flux controllers themselves. A FluxInstance written as the flux-instance chart\'s `instance` values is read too.',
  remediation:
    'Pin `GitRepository.spec.ref.commit` to a full SHA (with `branch` kept for readers), `OCIRepository.spec.ref.digest` ' +
    'to a sha256 digest, and chart `version` to an exact release (`1.2.3`). Let Renovate or Flux image automation ' +
    'propose updates through pull requests.',
  references: [
    'https://fluxcd.io/flux/components/source/gitrepositories/#reference',
    'https://fluxcd.io/flux/components/source/ocirepositories/#reference',
    'https://fluxcd.io/flux/components/helm/helmreleases/#chart-template',
    'https://fluxcd.io/flux/components/source/helmcharts/#version',
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
  ],
  messages: {
    branch: '{object} follows {ref} of {url}: a push there changes the cluster without a commit here. Pin {pin}.',
    own: '{object} follows {ref} of {url}, this repository itself: normal GitOps, low severity; protect that branch.',
    tag: '{object} follows {ref} of {url}: git tags can be moved or newly pushed (low severity); pin {pin}.',
    oci: '{object} follows {ref} of {url}: an OCI tag can be re-pushed; pin {pin}.',
    chart: '{object} takes chart {chart} at {version}: not an exact version, so a new chart release is deployed without review.',
    distribution: '{object} installs Flux {version}: not an exact version, so the Flux Operator upgrades the Flux controllers to each new release without review.',
  },
  examples: {
    bad: [{ file: 'flux.yaml', code: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: apps}\nspec:\n  url: https://github.com/acme/apps\n  ref:\n    branch: main # expect: flux-source-unpinned\n' }],
    good: [{ file: 'flux.yaml', code: 'apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository\nmetadata: {name: podinfo}\nspec:\n  url: oci://ghcr.io/stefanprodan/manifests/podinfo\n  ref:\n    digest: sha256:6c4b8e2b1a3f0d9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d\n' }],
  },
  carried: (): ChartSourceJoin => ({ chartSources: new Set(), exactTags: [] }),
  check(context, join) {
    const objects = objectsWithRendered(context.workspace);
    addHelmChartOciNames(objects, join.chartSources);
    for (const object of objects) {
      const group = apiGroup(object);
      if (group === 'source.toolkit.fluxcd.io') {
        if (object.kind === 'GitRepository') checkGitRepository(context, object);
        else if (object.kind === 'OCIRepository') checkOciRepository(context, object, join);
        else if (object.kind === 'HelmChart') checkChart(context, object, deref(object.source, getNode(object.node, 'spec')));
      } else if (group === 'fluxcd.controlplane.io' && object.kind === 'FluxInstance') {
        checkFluxInstanceSync(context, object);
        checkFluxInstanceDistribution(context, object);
      } else if (group === 'helm.toolkit.fluxcd.io' && object.kind === 'HelmRelease') {
        const spec = deref(object.source, getNode(object.node, 'spec'));
        const chart = deref(object.source, getNode(spec, 'chart'));
        if (chart !== undefined) checkChart(context, object, deref(object.source, getNode(chart, 'spec')));
      }
    }
  },
  finish(context, join) {
    for (const { name, report } of join.exactTags) if (name === undefined || !join.chartSources.has(name)) context.report(report);
  },
});

/**
 * A HelmRelease `chartRef` and the OCIRepository it names may be in different batches of a large
 * tree: an OCIRepository at an exact version tag is reported once every HelmRelease has been seen.
 */
interface ChartSourceJoin {
  /** names of the OCIRepositories HelmReleases take their chart from (`chartRef`) */
  readonly chartSources: Set<string>;
  /** OCIRepositories at an exact version tag without a chart `layerSelector`: pinned if a HelmRelease takes its chart from them */
  readonly exactTags: Array<{ readonly name: string | undefined; readonly report: ReportDescriptor<MessageId> }>;
}

interface FluxObjectView {
  readonly spec: Node | undefined;
  readonly ref: Node | undefined;
  readonly url: ScalarText | undefined;
  field(node: Node | undefined, key: string): ScalarText | undefined;
  anchor: Span;
}

function view(object: KubeObject): FluxObjectView {
  const document = object.source;
  const file = document.file;
  const spec = deref(document, getNode(object.node, 'spec'));
  const field = (node: Node | undefined, key: string): ScalarText | undefined => scalarText(file, deref(document, getNode(node, key)));
  const url = field(spec, 'url');
  return {
    spec,
    ref: deref(document, getNode(spec, 'ref')),
    url,
    field,
    anchor: url?.span ?? spanOf(file, getNode(object.node, 'kind')) ?? file.span(0, 0),
  };
}

/** `ref` written as a scalar, or a field as a list or map: a shape Flux rejects, so nothing is deployed from it. */
function malformed(object: KubeObject, parent: Node | undefined, ...keys: string[]): boolean {
  return (parent !== undefined && !isMap(parent)) || hasNonScalar(object.source, parent, ...keys);
}

function templated(...values: Array<ScalarText | undefined>): boolean {
  return values.some((value) => value !== undefined && isTemplatedValue(value.value));
}

function checkGitRepository(context: RuleContext<MessageId>, object: KubeObject): void {
  const { ref, url, field, anchor } = view(object);
  const commit = field(ref, 'commit');
  const name = field(ref, 'name');
  const semver = field(ref, 'semver');
  const tag = field(ref, 'tag');
  const branch = field(ref, 'branch');
  if (!url || templated(url, commit, name, semver, tag, branch) || malformed(object, ref, 'commit', 'name', 'semver', 'tag', 'branch')) return;
  // Flux's precedence: commit, name, semver, tag, branch; no ref at all means `master`
  const chosen = commit ?? name ?? semver ?? tag ?? branch;
  let kind = commit ? classifyGitRef(commit.value) : name ? classifyGitRef(name.value) : semver ? 'range' as const : tag ? 'tag' as const : 'branch' as const;
  if (commit && kind !== 'commit') kind = 'short-commit';
  if (kind === 'commit') return;
  const refText = chosen?.value ?? 'master';
  const described = chosen ? describeGitRef(kind, refText) : 'branch `master` (no spec.ref: the default)';
  const data = { object: describeObject(object), ref: described, url: url.value, pin: 'spec.ref.commit to a full SHA' };
  const report = { at: chosen?.span ?? anchor, data, subject: `${describeObject(object)}\0${url.value}`, properties: { url: url.value, ref: refText } };
  if (kind === 'tag' || kind === 'range') context.report({ ...report, messageId: 'tag', severity: 'low' });
  else if (isOwnRepository(context.settings, url.value)) context.report({ ...report, messageId: 'own', severity: 'low' });
  else context.report({ ...report, messageId: 'branch' });
}

/**
 * OCIRepositories that hold a Helm chart: a `layerSelector` for the chart media type, or the
 * target of a HelmRelease `chartRef`. An exact version tag on those is a chart release, pinned
 * like a HelmRelease `version: 1.2.3`.
 */
function addHelmChartOciNames(objects: readonly KubeObject[], names: Set<string>): void {
  for (const object of objects) {
    if (apiGroup(object) !== 'helm.toolkit.fluxcd.io' || object.kind !== 'HelmRelease') continue;
    const { spec, field } = view(object);
    const chartRef = deref(object.source, getNode(spec, 'chartRef'));
    const name = field(chartRef, 'name')?.value;
    if (field(chartRef, 'kind')?.value === 'OCIRepository' && name !== undefined) names.add(name);
  }
}

function hasHelmChartLayer(object: KubeObject): boolean {
  const { spec, field } = view(object);
  const mediaType = field(deref(object.source, getNode(spec, 'layerSelector')), 'mediaType')?.value ?? '';
  return mediaType.includes('helm.chart');
}

function checkOciRepository(context: RuleContext<MessageId>, object: KubeObject, join: ChartSourceJoin): void {
  const { ref, url, field, anchor } = view(object);
  const digest = field(ref, 'digest');
  const semver = field(ref, 'semver');
  const tag = field(ref, 'tag');
  if (!url || templated(url, digest, semver, tag) || malformed(object, ref, 'digest', 'semver', 'tag')) return;
  if (digest && DIGEST.test(digest.value)) return;
  const exactTag = !semver && tag !== undefined && classifyVersion(tag.value) === 'exact';
  if (exactTag && hasHelmChartLayer(object)) return;
  const chosen = semver ?? tag;
  const described = semver ? `semver range \`${semver.value}\`` : tag ? `tag \`${tag.value}\`` : 'tag `latest` (no spec.ref: the default)';
  const report: ReportDescriptor<MessageId> = {
    messageId: 'oci',
    at: chosen?.span ?? anchor,
    data: { object: describeObject(object), ref: described, url: url.value, pin: 'spec.ref.digest to a sha256 digest' },
    subject: `${describeObject(object)}\0${url.value}`,
    properties: { url: url.value, ref: chosen?.value ?? 'latest' },
  };
  if (exactTag) join.exactTags.push({ name: object.name, report });
  else context.report(report);
}

/**
 * Flux Operator `FluxInstance.spec.sync`: one `ref` string, `refs/heads/main`, `refs/tags/v1`,
 * `refs/heads/main@sha1:<sha>` (pinned), an OCI tag, or `@sha256:<digest>` (pinned).
 */
function checkFluxInstanceSync(context: RuleContext<MessageId>, object: KubeObject): void {
  const { spec, field } = view(object);
  const sync = deref(object.source, getNode(spec, 'sync'));
  const url = field(sync, 'url');
  const ref = field(sync, 'ref');
  const kind = field(sync, 'kind')?.value ?? 'GitRepository';
  if (!url || !isMap(sync) || templated(url, ref) || hasNonScalar(object.source, sync, 'ref')) return;
  const value = ref?.value ?? '';
  if (/@sha(?:1|256):[0-9a-f]{40,64}$/i.test(value)) return;
  const data = { object: describeObject(object), url: url.value, pin: kind === 'OCIRepository' ? 'spec.sync.ref to `@sha256:<digest>`' : 'spec.sync.ref to `refs/heads/<branch>@sha1:<sha>`' };
  const report = { at: ref?.span ?? url.span, subject: `${describeObject(object)}\0${url.value}`, properties: { url: url.value, ref: value } };
  if (kind === 'OCIRepository') {
    context.report({ ...report, messageId: 'oci', data: { ...data, ref: `tag \`${value || 'latest'}\`` } });
    return;
  }
  if (kind !== 'GitRepository') return;
  const refKind = classifyGitRef(value);
  if (refKind === 'commit') return;
  const described = describeGitRef(refKind, value);
  if (refKind === 'tag') context.report({ ...report, messageId: 'tag', data: { ...data, ref: described }, severity: 'low' });
  else if (isOwnRepository(context.settings, url.value)) context.report({ ...report, messageId: 'own', data: { ...data, ref: described }, severity: 'low' });
  else context.report({ ...report, messageId: 'branch', data: { ...data, ref: described } });
}

/** FluxInstance `spec.distribution.version`: a semver range the operator follows (the field is required, so a missing one is left to the API server). */
function checkFluxInstanceDistribution(context: RuleContext<MessageId>, object: KubeObject): void {
  const { spec, field } = view(object);
  const distribution = deref(object.source, getNode(spec, 'distribution'));
  const version = field(distribution, 'version');
  if (!version || templated(version) || hasNonScalar(object.source, distribution, 'version')) return;
  if (classifyVersion(version.value) === 'exact') return;
  context.report({
    messageId: 'distribution',
    at: version.span,
    data: { object: describeObject(object), version: `\`${version.value}\`` },
    subject: `${describeObject(object)}\0distribution`,
    properties: { version: version.value },
  });
}

/** HelmChart `spec` or HelmRelease `spec.chart.spec`: `chart`, `version`, `sourceRef`. */
function checkChart(context: RuleContext<MessageId>, object: KubeObject, chartSpec: Node | undefined): void {
  const { field } = view(object);
  const chart = field(chartSpec, 'chart');
  const version = field(chartSpec, 'version');
  const sourceKind = field(deref(object.source, getNode(chartSpec, 'sourceRef')), 'kind')?.value ?? 'HelmRepository';
  // charts from a GitRepository or Bucket take the version the source's revision holds
  if (sourceKind !== 'HelmRepository' || templated(chart, version) || malformed(object, chartSpec, 'chart', 'version')) return;
  // a Kustomize patch may set only `version` (the chart name is in the base)
  const at = version?.span ?? chart?.span;
  if (!at || classifyVersion(version?.value) === 'exact') return;
  const chartName = chart?.value ?? object.name ?? '(unnamed)';
  context.report({
    messageId: 'chart',
    at,
    data: { object: describeObject(object), chart: chartName, version: version ? `\`${version.value}\`` : 'any version (no `version`: Flux uses `*`)' },
    subject: `${describeObject(object)}\0${chartName}`,
    properties: { chart: chartName, ...(version ? { version: version.value } : {}) },
  });
}
