import { isMap, type Node } from 'yaml';
import { apiGroup, describeObject, type KubeObject } from '../model/kubernetes.js';
import { isTemplatedValue } from '../model/git-ref.js';
import { parseKustomizeRemote } from '../model/remote-refs.js';
import type { SourceFile } from '../model/source-file.js';
import type { Span } from '../model/span.js';
import { allBlocks } from '../model/terraform.js';
import { parseTerraformSource } from '../model/terraform-source.js';
import type { Workspace } from '../model/workspace.js';
import { getNode, seqItems, type YamlDocument } from '../model/yaml.js';
import { chartDependencies, isRemoteDependency } from '../rules/dependencies/chart-dependencies.js';
import { argoRevisionSites } from '../rules/dependencies/argo-sources.js';
import { deref, existsInTree, joinPath, scalarText, type ScalarText } from '../rules/dependencies/support.js';
import { cloneUrlOf } from '../pin/git-targets.js';
import { unfetchedModuleSource } from './terraform-registry.js';
import type { DependencyReference, DependencySource } from './types.js';
import { argoRefSources, argoValues, fluxValues, plainMap, umbrellaValues, type DiscoveredValues } from './values-discovery.js';
import type { ValuesLayer } from './values-layers.js';
import type { GitVerifyMode } from './git-signatures.js';

/** A reference Rampart saw but cannot fetch (an alias `@stable`, a templated URL): told, not guessed. */
export interface SkippedReference {
  readonly path: string;
  readonly line: number;
  readonly reason: string;
}

export interface Discovery {
  readonly references: DependencyReference[];
  readonly skipped: SkippedReference[];
}

/** Named Helm repositories (`helm repo add NAME URL`), for `@name` / `alias:name` dependency repositories. */
export type RepositoryAliases = ReadonlyMap<string, string>;

/**
 * Every remote dependency the tree's GitOps configuration pulls: chart dependencies, Flux
 * HelmReleases/HelmCharts/GitRepositories/OCIRepositories, Argo CD chart sources, Kustomize
 * `helmCharts` and remote resources, Terraform git modules.
 */
export function discoverDependencies(workspace: Workspace, aliases: RepositoryAliases = new Map()): Discovery {
  const found: Discovery = { references: [], skipped: [] };
  chartDependencyReferences(workspace, aliases, found);
  fluxReferences(workspace, found);
  argoReferences(workspace, found);
  kustomizeReferences(workspace, found);
  terraformReferences(workspace, found);
  found.references.sort((a, b) => (a.at.path < b.at.path ? -1 : a.at.path > b.at.path ? 1 : a.at.start - b.at.start));
  return found;
}

interface ReferenceExtras {
  readonly values?: readonly ValuesLayer[];
  readonly notes?: readonly string[];
  readonly subchart?: string;
}

function add(found: Discovery, file: SourceFile, at: Span, via: string, source: DependencySource, extras: ReferenceExtras = {}): void {
  const { values, notes, subchart } = extras;
  found.references.push({
    source, at, line: file.position(at.start).line, via, chain: [via],
    ...(values && values.length > 0 ? { values } : {}), ...(notes && notes.length > 0 ? { notes } : {}), ...(subchart ? { subchart } : {}),
  });
}

function skip(found: Discovery, file: SourceFile, at: Span, reason: string): void {
  found.skipped.push({ path: file.path, line: file.position(at.start).line, reason });
}

/** An HTTP(S) chart repository or an `oci://` registry path + chart → the source, or undefined. */
function chartSource(repository: string, chart: string, asked: string): DependencySource | undefined {
  const url = repository.trim();
  if (/^oci:\/\//i.test(url)) return { type: 'helm-oci', repository: url.replace(/\/+$/, ''), chart, asked };
  if (/^https?:\/\//i.test(url)) return { type: 'helm', repository: url.replace(/\/+$/, ''), chart, asked };
  return undefined;
}

function chartDependencyReferences(workspace: Workspace, aliases: RepositoryAliases, found: Discovery): void {
  for (const chart of chartDependencies(workspace)) {
    for (const dependency of chart.dependencies) {
      if (!isRemoteDependency(dependency) || !dependency.name || !dependency.repository) continue;
      const name = dependency.name.value;
      const at = dependency.version?.span ?? dependency.repository.span;
      let repository = dependency.repository.value;
      const alias = /^(?:@|alias:)(.+)$/.exec(repository.trim());
      if (alias?.[1]) {
        const url = aliases.get(alias[1]);
        if (!url) {
          skip(found, chart.file, at, `dependency ${name}: repository "${repository}" is a name from \`helm repo add\`; give its URL in --helm-repositories`);
          continue;
        }
        repository = url;
      }
      if (templated(dependency.name, dependency.version, dependency.repository)) continue;
      const source = chartSource(repository, name, dependency.version?.value ?? '*');
      const subchart = scalarText(chart.file, getNode(dependency.node, 'alias'))?.value || name;
      if (source) add(found, chart.file, at, `${chart.file.path} dependency ${name}`, source, { values: umbrellaValues(workspace, chart.directory, subchart), subchart });
    }
  }
}

function templated(...values: Array<ScalarText | undefined>): boolean {
  return values.some((value) => value !== undefined && isTemplatedValue(value.value));
}

interface ObjectFields {
  readonly object: KubeObject;
  readonly file: SourceFile;
  node(...keys: string[]): Node | undefined;
  text(...keys: string[]): ScalarText | undefined;
}

function fields(object: KubeObject): ObjectFields {
  const document = object.source;
  const node = (...keys: string[]): Node | undefined => {
    let current: Node | undefined = object.node;
    for (const key of keys) current = deref(document, getNode(current, key));
    return current;
  };
  return { object, file: document.file, node, text: (...keys) => scalarText(document.file, node(...keys)) };
}

function fluxReferences(workspace: Workspace, found: Discovery): void {
  const objects = workspace.kubeObjects().filter((object) => !object.renderedFrom);
  const helmRepositories = new Map<string, KubeObject>();
  for (const object of objects) {
    if (apiGroup(object) === 'source.toolkit.fluxcd.io' && object.kind === 'HelmRepository' && object.name) {
      helmRepositories.set(`${object.namespace ?? ''}/${object.name}`, object);
      if (!helmRepositories.has(`*/${object.name}`)) helmRepositories.set(`*/${object.name}`, object);
    }
  }
  const repositoryUrl = (namespace: string | undefined, name: string | undefined): string | undefined => {
    if (!name) return undefined;
    const repository = helmRepositories.get(`${namespace ?? ''}/${name}`) ?? helmRepositories.get(`*/${name}`);
    if (!repository) return undefined;
    const view = fields(repository);
    const url = view.text('spec', 'url')?.value;
    if (!url) return undefined;
    return view.text('spec', 'type')?.value === 'oci' && !url.startsWith('oci://') ? `oci://${url}` : url;
  };
  for (const object of objects) {
    const group = apiGroup(object);
    const view = fields(object);
    if (group === 'helm.toolkit.fluxcd.io' && object.kind === 'HelmRelease') {
      const spec = ['spec', 'chart', 'spec'];
      chartFromFlux(found, view, spec, repositoryUrl, fluxValues(workspace, object));
    } else if (group === 'source.toolkit.fluxcd.io' && object.kind === 'HelmChart') {
      chartFromFlux(found, view, ['spec'], repositoryUrl, undefined);
    } else if (group === 'source.toolkit.fluxcd.io' && object.kind === 'GitRepository') {
      const url = view.text('spec', 'url');
      if (!url || templated(url)) continue;
      const ref = view.text('spec', 'ref', 'commit') ?? view.text('spec', 'ref', 'name') ?? view.text('spec', 'ref', 'tag') ?? view.text('spec', 'ref', 'branch');
      if (view.text('spec', 'ref', 'semver')) {
        skip(found, view.file, url.span, `${describeObject(object)}: a semver range of git tags is not fetched`);
        continue;
      }
      const asked = (ref?.value ?? 'master').replace(/^refs\/(?:heads|tags)\//, '');
      const verify = fluxVerifyMode(view);
      add(found, view.file, ref?.span ?? url.span, describeObject(object), { type: 'git', url: url.value, asked, ...(verify ? { verify } : {}) });
    } else if (group === 'source.toolkit.fluxcd.io' && object.kind === 'OCIRepository') {
      const url = view.text('spec', 'url');
      if (!url || templated(url) || !url.value.startsWith('oci://')) continue;
      const ref = view.text('spec', 'ref', 'digest') ?? view.text('spec', 'ref', 'tag');
      if (view.text('spec', 'ref', 'semver')) {
        skip(found, view.file, url.span, `${describeObject(object)}: a semver range of OCI tags is not fetched`);
        continue;
      }
      add(found, view.file, ref?.span ?? url.span, describeObject(object), { type: 'oci', url: url.value, asked: ref?.value ?? 'latest' });
    }
  }
}

/** `spec.verify.mode` of a Flux GitRepository (HEAD when `verify` is there without one). */
function fluxVerifyMode(view: ObjectFields): GitVerifyMode | undefined {
  if (!view.node('spec', 'verify')) return undefined;
  const mode = view.text('spec', 'verify', 'mode')?.value.toLowerCase() ?? 'head';
  return mode === 'tag' ? 'tag' : mode === 'tagandhead' ? 'tag-and-head' : 'head';
}

function chartFromFlux(found: Discovery, view: ObjectFields, spec: string[], repositoryUrl: (namespace: string | undefined, name: string | undefined) => string | undefined, values: DiscoveredValues | undefined): void {
  const chart = view.text(...spec, 'chart');
  if (!chart || templated(chart)) return;
  const version = view.text(...spec, 'version');
  const sourceKind = view.text(...spec, 'sourceRef', 'kind')?.value;
  const sourceName = view.text(...spec, 'sourceRef', 'name')?.value;
  const at = version?.span ?? chart.span;
  if (sourceKind !== 'HelmRepository') return; // GitRepository/Bucket charts: the source itself is the dependency
  const url = repositoryUrl(view.text(...spec, 'sourceRef', 'namespace')?.value ?? view.object.namespace, sourceName);
  if (!url) {
    skip(found, view.file, at, `${describeObject(view.object)}: HelmRepository ${sourceName ?? '?'} is not in the tree`);
    return;
  }
  const source = chartSource(url, chart.value, version?.value ?? '*');
  if (source) add(found, view.file, at, describeObject(view.object), source, { ...(values ? { values: values.layers, notes: values.notes } : {}) });
}

function argoReferences(workspace: Workspace, found: Discovery): void {
  for (const object of workspace.kubeObjects()) {
    if (object.renderedFrom) continue;
    for (const site of argoRevisionSites(object)) {
      if (!site.chart || !site.repoURL || templated(site.chart, site.repoURL, site.revision)) continue;
      const repoUrl = site.repoURL.value;
      // Argo CD writes OCI Helm repositories without a scheme (`registry/path`, with enableOCI)
      const repository = /^[a-z]+:\/\//i.test(repoUrl) ? repoUrl : `oci://${repoUrl}`;
      const source = chartSource(repository, site.chart.value, site.revision?.value ?? '*');
      if (!source) continue;
      const values = argoValues(object, site.node, argoRefSources(object));
      add(found, object.source.file, site.revision?.span ?? site.chart.span, site.where, source, { values: values.layers, notes: values.notes });
    }
  }
}

const KUSTOMIZE_FIELDS = ['resources', 'bases', 'components'] as const;

function kustomizeReferences(workspace: Workspace, found: Discovery): void {
  for (const document of workspace.kustomizations()) {
    const file = document.file;
    for (const field of KUSTOMIZE_FIELDS) {
      for (const item of seqItems(deref(document, getNode(document.root, field)))) {
        const entry = scalarText(file, deref(document, item));
        if (!entry || templated(entry) || existsInTree(workspace, joinPath(file.directory, entry.value))) continue;
        const remote = parseKustomizeRemote(entry.value);
        if (!remote) continue;
        if (remote.kind === 'file') {
          if (/^https?:\/\//i.test(entry.value)) add(found, file, entry.span, `${file.path} ${field}`, { type: 'file', url: entry.value, asked: remote.ref ?? '' });
          continue;
        }
        const url = cloneUrlOf(entry.value, remote);
        add(found, file, entry.span, `${file.path} ${field}`, { type: 'git', url, asked: remote.ref ?? 'HEAD', ...(remote.subPath ? { subPath: remote.subPath } : {}) });
      }
    }
    helmChartsOf(document, found);
  }
}

function helmChartsOf(document: YamlDocument, found: Discovery): void {
  const file = document.file;
  for (const item of seqItems(deref(document, getNode(document.root, 'helmCharts')))) {
    const node = deref(document, item);
    if (!isMap(node)) continue;
    const text = (key: string): ScalarText | undefined => scalarText(file, deref(document, getNode(node, key)));
    const name = text('name');
    const repo = text('repo');
    const version = text('version');
    if (!name || !repo || templated(name, repo, version)) continue;
    const source = chartSource(repo.value, name.value, version?.value ?? '*');
    const values = plainMap(deref(document, getNode(node, 'valuesInline')));
    if (source) add(found, file, version?.span ?? name.span, `${file.path} helmCharts ${name.value}`, source, { ...(values ? { values: [{ kind: 'map', values, judged: true }] } : {}) });
  }
}

function terraformReferences(workspace: Workspace, found: Discovery): void {
  for (const hcl of workspace.terraformFiles()) {
    for (const block of allBlocks(hcl.body)) {
      if (block.type !== 'module') continue;
      const source = block.attributes.find((attribute) => attribute.name === 'source');
      if (!source?.stringValue || !source.stringSpan || isTemplatedValue(source.stringValue)) continue;
      const parsed = parseTerraformSource(source.stringValue);
      const via = `${hcl.file.path} module ${block.labels[0] ?? ''}`.trim();
      if (parsed?.kind === 'registry') {
        const version = block.attributes.find((attribute) => attribute.name === 'version');
        if (version && (!version.stringValue || isTemplatedValue(version.stringValue))) continue;
        const [host, module] = registryModule(parsed.address);
        const subPath = /\/\/(.+)$/.exec(source.stringValue)?.[1];
        add(found, hcl.file, version?.stringSpan ?? source.stringSpan, via, { type: 'terraform', host, module, asked: version?.stringValue?.trim() ?? '', ...(subPath ? { subPath } : {}) });
        continue;
      }
      if (parsed && parsed.kind !== 'git' && parsed.kind !== 'local') {
        skip(found, hcl.file, source.stringSpan, `${via}: ${unfetchedModuleSource(source.stringValue)}`);
        continue;
      }
      if (parsed?.kind !== 'git') continue;
      const remote = parsed.remote;
      add(found, hcl.file, source.stringSpan, via, {
        type: 'git', url: cloneUrlOf(source.stringValue, remote), asked: remote.ref ?? 'HEAD', ...(remote.subPath ? { subPath: remote.subPath } : {}),
      });
    }
  }
}


/** `[host/]namespace/name/provider` → host (registry.terraform.io when left out) and the module path. */
function registryModule(address: string): [string, string] {
  const parts = address.split('/');
  return parts.length === 4 ? [parts[0]!.toLowerCase(), parts.slice(1).join('/')] : ['registry.terraform.io', parts.join('/')];
}
