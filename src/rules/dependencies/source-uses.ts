import path from 'node:path';
import { clusterHelmCharts, pulumiHelmCharts } from '../../model/cluster-helm-charts.js';
import { jsonnetDependencies } from '../../model/jsonnet-bundler.js';
import { controllerGitSources } from '../../model/controller-git-sources.js';
import { fetchSteps } from '../../model/extract/carvel-images.js';
import { apiGroup } from '../../model/kubernetes.js';
import { isTemplatedValue } from '../../model/git-ref.js';
import { parseKustomizeRemote } from '../../model/remote-refs.js';
import { fleetHelmBlocks, remoteChart } from '../../model/fleet.js';
import { readTankaChartfile } from '../../model/tanka-chartfile.js';
import { readHelmfile } from '../../model/helmfile.js';
import type { Span } from '../../model/span.js';
import { parseTerraformSource } from '../../model/terraform-source.js';
import type { Workspace } from '../../model/workspace.js';
import { getNode, seqItems } from '../../model/yaml.js';
import { objectsWithRendered } from '../operators/chart-objects.js';
import { argoRevisionSites } from './argo-sources.js';
import { chartDependencies, isRemoteDependency } from './chart-dependencies.js';
import { REMOTE_FIELDS } from './kustomize-remote-unpinned.js';
import { sourceLocation, terraformRegistryLocation } from './source-allow-list.js';
import { deref, existsInTree, scalarText, valuesOf } from './support.js';

/** One place the repository names something the cluster will be built from. */
export interface SourceUse {
  readonly where: string;
  readonly url: string;
  readonly location: string;
  readonly span: Span;
  /** the object kind that names it, when one does (Flux sources have rules of their own) */
  readonly kind?: string;
}

const FLUX_SOURCES = new Set(['GitRepository', 'HelmRepository', 'OCIRepository']);

/**
 * Every place the repository names something the cluster will be built from: Argo CD sources,
 * Flux sources, Kustomize remote resources and `helmCharts` repositories, Helm chart dependencies,
 * Helmfile repositories and OCI charts, Rancher Fleet `fleet.yaml` charts, charts a k3s `HelmChart`,
 * Crossplane `Release` or kapp-controller `App` installs, Tanka `chartfile.yaml` repositories, jsonnet-bundler git
 * dependencies, Terraform modules.
 */
export function sourceUses(workspace: Workspace): SourceUse[] {
  const uses: SourceUse[] = [];
  const add = (where: string, url: string, span: Span, location = sourceLocation(url), kind?: string): void => {
    if (location !== undefined && !isTemplatedValue(url)) uses.push({ where, url, location, span, ...(kind ? { kind } : {}) });
  };
  for (const object of objectsWithRendered(workspace)) {
    for (const site of argoRevisionSites(object)) if (site.repoURL) add(site.where, site.repoURL.value, site.repoURL.span);
    const group = apiGroup(object);
    const spec = deref(object.source, getNode(object.node, 'spec'));
    const urlOf = (node: unknown) => scalarText(object.source.file, deref(object.source, getNode(node, 'url')));
    const where = `${object.kind}/${object.name ?? '(unnamed)'}${object.renderedFrom ? ` (${object.renderedFrom})` : ''}`;
    const url = group === 'source.toolkit.fluxcd.io' && FLUX_SOURCES.has(object.kind) ? urlOf(spec)
      : group === 'fluxcd.controlplane.io' && object.kind === 'FluxInstance' ? urlOf(deref(object.source, getNode(spec, 'sync')))
      : undefined;
    if (url) add(where, url.value, url.span, undefined, object.kind);
    for (const chart of clusterHelmCharts(object)) add(chart.where, chart.remote.value, chart.remote.span);
    // kapp-controller fetches configuration from git and plain URLs (its charts are clusterHelmCharts'), the Pulumi operator its programs
    for (const { step, where: at } of fetchSteps(object)) {
      const url = urlOf(deref(object.source, getNode(step, 'http')));
      if (url) add(`${where} ${at}.http`, url.value, url.span);
    }
    for (const source of controllerGitSources(object)) add(source.where, source.url.value, source.url.span);
  }
  for (const document of workspace.kustomizations()) {
    for (const field of REMOTE_FIELDS) {
      for (const item of valuesOf(document, document.root, field).flatMap(seqItems)) {
        const entry = scalarText(document.file, deref(document, item));
        if (!entry || existsInTree(workspace, path.posix.join(document.file.directory || '.', entry.value))) continue;
        const remote = parseKustomizeRemote(entry.value);
        if (remote) add(`${document.file.path} ${field}`, entry.value, entry.span, remote.repository);
      }
    }
    for (const item of seqItems(deref(document, getNode(document.root, 'helmCharts')))) {
      const entry = deref(document, item);
      const repo = scalarText(document.file, deref(document, getNode(entry, 'repo')));
      const name = scalarText(document.file, deref(document, getNode(entry, 'name')));
      // without `repo` the chart is read from the local chartHome
      if (repo && repo.value.trim() !== '') add(`${document.file.path} helmCharts ${name?.value ?? '(unnamed)'}`, repo.value, repo.span);
    }
  }
  for (const document of workspace.yamlDocuments()) {
    const helmfile = readHelmfile(document);
    for (const repository of helmfile?.repositories ?? []) {
      const url = repository.url.value.trim();
      const address = repository.oci && !/^[a-z]+:\/\//i.test(url) ? `oci://${url}` : url;
      add(`${document.file.path} repository ${repository.name}`, repository.url.value, repository.url.span, sourceLocation(address));
    }
    for (const release of helmfile?.releases ?? []) {
      if (release.chart && /^oci:\/\//i.test(release.chart.value.trim())) add(`${document.file.path} release ${release.name}`, release.chart.value, release.chart.span);
    }
    for (const repository of readTankaChartfile(document)?.repositories ?? []) {
      add(`${document.file.path} repository ${repository.name}`, repository.url.value, repository.url.span);
    }
    for (const chart of pulumiHelmCharts(document)) add(chart.where, chart.remote.value, chart.remote.span);
    for (const block of fleetHelmBlocks(document)) {
      const remote = remoteChart(block.chart, block.repo);
      if (remote) add(`${block.where} ${block.repo === remote ? 'repo' : 'chart'}`, remote.value, remote.span);
    }
  }
  for (const chart of chartDependencies(workspace)) {
    for (const dependency of chart.dependencies) {
      if (!dependency.repository || !isRemoteDependency(dependency)) continue;
      add(`chart ${chart.file.path} dependency ${dependency.name?.value ?? '(unnamed)'}`, dependency.repository.value, dependency.repository.span);
    }
  }
  for (const file of workspace.files) {
    if (file.baseName !== 'jsonnetfile.json') continue;
    for (const dependency of jsonnetDependencies(file)) add(`${file.path} dependency`, dependency.remote, dependency.remoteSpan);
  }
  for (const hcl of workspace.terraformFiles()) {
    for (const block of hcl.body.blocks) {
      const source = block.type === 'module' ? block.attributes.find((attribute) => attribute.name === 'source') : undefined;
      if (source?.stringValue === undefined || !source.stringSpan) continue;
      const parsed = parseTerraformSource(source.stringValue);
      if (!parsed || parsed.kind === 'local') continue;
      const where = `Terraform module "${block.labels[0] ?? '?'}"`;
      if (parsed.kind === 'registry') add(where, source.stringValue, source.stringSpan, terraformRegistryLocation(parsed.address));
      else if (parsed.kind === 'git') add(where, source.stringValue, source.stringSpan, parsed.remote.repository);
      else add(where, source.stringValue, source.stringSpan, sourceLocation(source.stringValue.replace(/^[a-z0-9]+::/i, '').replace(/\?.*$/, '')));
    }
  }
  return uses;
}
