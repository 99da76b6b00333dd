import { isMap, isSeq, type Node } from 'yaml';
import { isKustomizationFile } from '../../model/file-kinds.js';
import { apiGroup } from '../../model/kubernetes.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { getString, spanOf, type YamlDocument } from '../../model/yaml.js';
import type { Span } from '../../model/span.js';
import { embeddedPodSpecSites, inlinePatchSites } from './inline-patches.js';
import { perWorkspace } from './memo.js';

/** Helm chart input: a values file, a Flux HelmRelease's `spec.values`, an Argo CD source's `helm.valuesObject`. */
export interface ValuesSite {
  readonly file: SourceFile;
  /** the YAML document the values are written in (chart values only; inline patches are parsed from strings) */
  readonly document?: YamlDocument;
  readonly view: ResolvedYaml;
  readonly root: Node;
  readonly label: string;
  /** the chart these values are for, when the file says (a HelmRelease's chart, an Application's `chart`, the Chart.yaml beside a values file) */
  readonly chart?: string;
  /** chart values, an inline patch of a workload, or a pod spec written as text */
  readonly origin: 'values' | 'patch' | 'text';
  /** a JSON 6902 patch: a list of `{op, path, value}` */
  readonly jsonPatch?: boolean;
  /** where a node is in the file, for trees parsed from a string inside it (inline patches) */
  readonly locate?: (node: Node) => Span | undefined;
}

/** What runs what a site sets, for messages: `the chart's`, `the patched`, `the written`. */
export function siteOwner(site: ValuesSite): string {
  return site.origin === 'values' ? 'the chart\'s' : site.origin === 'patch' ? 'the patched' : 'the written';
}

/** The span of a node of a site, in its file. */
export function siteSpan(site: ValuesSite, node: Node): Span | undefined {
  return site.locate ? site.locate(node) : spanOf(site.file, node);
}

export interface ValuesEntry {
  /** dotted key path from the values root, e.g. `controllers.main.containers.app.securityContext.privileged` */
  readonly path: string;
  readonly key: string;
  readonly value: Node;
  readonly parentKey: string | undefined;
}

/** Chart values, inline patches and pod specs written as text: trees where pod settings appear outside a pod spec. */
export function looseWorkloadSites(workspace: Workspace): ValuesSite[] {
  return perWorkspace(workspace, 'loose-workload-sites', () => [...helmValuesSites(workspace), ...inlinePatchSites(workspace), ...embeddedPodSpecSites(workspace)]);
}

export function helmValuesSites(workspace: Workspace): ValuesSite[] {
  return perWorkspace(workspace, 'helm-values-sites', () => findHelmValuesSites(workspace));
}

function findHelmValuesSites(workspace: Workspace): ValuesSite[] {
  const sites: ValuesSite[] = [];
  const chartNames = new Map(workspace.helmCharts().map((chart) => [chart.directory, getString(chart.chart.root, 'name')]));
  // a HelmRelease `chartRef` names an OCIRepository; the chart is the last segment of its URL
  const ociCharts = new Map(workspace.kubeObjects()
    .filter((object) => object.kind === 'OCIRepository' && apiGroup(object) === 'source.toolkit.fluxcd.io' && object.name !== undefined)
    .map((object) => [object.name, getString(object.node, 'spec', 'url')?.replace(/\/+$/, '').split('/').pop()]));
  const ociChartName = (name: string | undefined): string | undefined => (name === undefined ? undefined : ociCharts.get(name) ?? name);
  for (const document of workspace.yamlDocuments()) {
    if (!document.root) continue;
    const view = new ResolvedYaml(document.document);
    const objects = workspace.kubeObjectsIn(document);
    if (objects.length === 0 && workspace.isHelmValuesDocument(document)) {
      const chart = chartNames.get(document.file.directory);
      sites.push({ file: document.file, document, view, root: document.root, label: `Helm values ${document.file.baseName}`, origin: 'values', ...(chart ? { chart } : {}) });
    }
    if (isKustomizationFile(document.file.baseName)) {
      for (const chart of view.items(view.get(document.root, 'helmCharts'))) {
        const values = view.get(chart, 'valuesInline');
        const name = view.string(chart, 'name');
        if (values) sites.push({ file: document.file, document, view, root: values, label: `kustomization helmCharts ${name ?? ''} valuesInline`, origin: 'values', ...(name ? { chart: name } : {}) });
      }
    }
    for (const object of objects) {
      const name = `${object.kind}/${object.name ?? '(unnamed)'}`;
      if (object.kind === 'HelmRelease' && apiGroup(object) === 'helm.toolkit.fluxcd.io') {
        const values = view.path(object.node, 'spec', 'values');
        const chart = view.string(object.node, 'spec', 'chart', 'spec', 'chart') ?? ociChartName(view.string(object.node, 'spec', 'chartRef', 'name'));
        if (values) sites.push({ file: document.file, document, view, root: values, label: `${name} values`, origin: 'values', ...(chart ? { chart } : {}) });
      }
      if ((object.kind === 'Application' || object.kind === 'ApplicationSet') && apiGroup(object) === 'argoproj.io') {
        const spec = object.kind === 'ApplicationSet' ? view.path(object.node, 'spec', 'template', 'spec') : view.get(object.node, 'spec');
        for (const source of [view.get(spec, 'source'), ...view.items(view.get(spec, 'sources'))]) {
          const values = view.path(source, 'helm', 'valuesObject');
          const chart = view.string(source, 'chart');
          if (values) sites.push({ file: document.file, document, view, root: values, label: `${name} helm.valuesObject`, origin: 'values', ...(chart ? { chart } : {}) });
        }
      }
    }
  }
  return sites;
}

/**
 * An entry inside a PodSecurityPolicy's settings (`podSecurityPolicy.spec.privileged`, `psp.hostNetwork`,
 * `pspSpec.…`): charts render it into a policy that allows such pods; it runs none.
 */
export function isPodSecurityPolicyEntry(entry: ValuesEntry): boolean {
  const ancestors = entry.path.split('.').slice(0, -1);
  return ancestors.some((segment) => /^(?:psp|podSecurityPolic(?:y|ies))/i.test(segment.replace(/\[\d+\]$/, '')));
}

/** Every key/value pair under a values root, depth first, aliases followed, cycles cut. */
export function valuesEntries(site: ValuesSite): ValuesEntry[] {
  const cached = site as ValuesSite & { [ENTRIES]?: ValuesEntry[] };
  return (cached[ENTRIES] ??= findEntries(site));
}

/** Each site keeps its entries, read once for every rule (not in a WeakMap, which V8 clears only in full collections). */
const ENTRIES = Symbol('values entries');

function findEntries(site: ValuesSite): ValuesEntry[] {
  const found: ValuesEntry[] = [];
  const seen = new Set<Node>();
  const walk = (node: Node | undefined, path: string, parentKey: string | undefined): void => {
    if (node === undefined || seen.has(node)) return;
    seen.add(node);
    if (isMap(node)) {
      for (const { key, value } of site.view.entries(node)) {
        if (value === undefined) continue;
        const childPath = path ? `${path}.${key}` : key;
        found.push({ path: childPath, key, value, parentKey });
        walk(value, childPath, key);
      }
    } else if (isSeq(node)) {
      site.view.items(node).forEach((item, index) => walk(item, `${path}[${index}]`, parentKey));
    }
  };
  if (!site.jsonPatch) {
    walk(site.view.resolve(site.root), '', undefined);
    return found;
  }
  // `- {op: add, path: /spec/template/spec/hostNetwork, value: true}` reads as hostNetwork: true
  for (const operation of site.view.items(site.root)) {
    const op = site.view.string(operation, 'op');
    const path = site.view.string(operation, 'path');
    const value = site.view.get(operation, 'value');
    if ((op !== 'add' && op !== 'replace') || !path || value === undefined) continue;
    const segments = path.split('/').filter((segment) => segment !== '' && segment !== '-' && !/^\d+$/.test(segment));
    const key = segments[segments.length - 1];
    if (key !== undefined) found.push({ path, key, value, parentKey: segments[segments.length - 2] });
    walk(value, path, key);
  }
  return found;
}
