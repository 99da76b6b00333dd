import { isMap, isScalar, type Node } from 'yaml';
import { apiGroup, describeObject, type KubeObject } from './kubernetes.js';
import type { Span } from './span.js';
import { getNode, innerSpanOf, mapEntries, seqItems, stringValue, type YamlDocument } from './yaml.js';
import { isPulumiYamlProgram } from './extract/pulumi-images.js';

export interface ChartText {
  readonly value: string;
  readonly span: Span;
}

/**
 * A Helm chart that a controller in the cluster installs from a repository, other than Flux and
 * Argo CD (read by their own rules): the k3s/RKE2 helm-controller's `HelmChart`, Crossplane
 * provider-helm's `Release` and a Carvel kapp-controller `App`'s `fetch[].helmChart`.
 */
export interface ClusterHelmChart {
  readonly object: KubeObject;
  /** `HelmChart/traefik`, `App/simple-app fetch[1].helmChart` */
  readonly where: string;
  /** who installs it, for messages */
  readonly controller: string;
  readonly name?: ChartText;
  readonly version?: ChartText;
  /** where the chart comes from: a repository URL, an `oci://` chart, or a chart archive address */
  readonly remote: ChartText;
  /** the remote is a chart archive (`https://…/app-1.0.0.tgz`): no version is picked from it */
  readonly archive: boolean;
  /** the chart is pulled by digest (provider-helm `digest:`, or an `oci://…@sha256:` address) */
  readonly digest?: ChartText;
  /** `insecureSkipTLSVerify: true` or `plainHTTP: true`: the chart is fetched without TLS or without checking it */
  readonly insecure?: ChartText & { readonly key: string };
}

export function clusterHelmCharts(object: KubeObject): ClusterHelmChart[] {
  const group = apiGroup(object);
  const spec = getNode(object.node, 'spec');
  const where = describeObject(object);
  if (group === 'helm.cattle.io' && object.kind === 'HelmChart') {
    // `chart` is a name in `repo`, or an oci:// or http(s) address; `chartContent` (base64) is the chart itself
    const found = chartOf(object, where, 'the k3s/RKE2 helm-controller', text(object, getNode(spec, 'chart')), text(object, getNode(spec, 'repo')), text(object, getNode(spec, 'version')));
    return found ? [withInsecure(found, object, spec, ['insecureSkipTLSVerify', 'plainHTTP'])] : [];
  }
  if (group === 'helm.crossplane.io' && object.kind === 'Release') {
    const forProvider = getNode(spec, 'forProvider');
    const chart = getNode(forProvider, 'chart');
    const url = text(object, getNode(chart, 'url'));
    const name = text(object, getNode(chart, 'name'));
    const version = text(object, getNode(chart, 'version'));
    // `url` overrides the other fields: an archive, or an oci:// chart with its tag or digest in the address
    const found = url
      ? chartOf(object, `${where} chart`, 'Crossplane provider-helm', url, undefined, undefined)
      : chartOf(object, `${where} chart`, 'Crossplane provider-helm', name, text(object, getNode(chart, 'repository')), version);
    const digest = text(object, getNode(chart, 'digest'));
    return found ? [withInsecure(digest ? { ...found, digest } : found, object, forProvider, ['insecureSkipTLSVerify'])] : [];
  }
  if (group === 'kappctrl.k14s.io' && object.kind === 'App') {
    return seqItems(getNode(spec, 'fetch')).flatMap((step, index) => {
      const helm = getNode(step, 'helmChart');
      if (!helm) return [];
      const found = chartOf(object, `${where} fetch[${index}].helmChart`, 'kapp-controller', text(object, getNode(helm, 'name')),
        text(object, getNode(getNode(helm, 'repository'), 'url')), text(object, getNode(helm, 'version')));
      return found ? [found] : [];
    });
  }
  return [];
}

function chartOf(object: KubeObject, where: string, controller: string, chart: ChartText | undefined, repo: ChartText | undefined, version: ChartText | undefined): ClusterHelmChart | undefined {
  const base = { object, where, controller, ...(version ? { version } : {}) };
  if (repo && repo.value.trim() !== '') return { ...base, remote: repo, archive: false, ...(chart ? { name: chart } : {}) };
  if (!chart) return undefined;
  const address = chart.value.trim();
  // k3s serves its bundled charts itself (`https://%{KUBERNETES_API}%/static/charts/traefik.tgz`)
  if (address.includes('%{')) return undefined;
  if (/^oci:\/\//i.test(address)) {
    // `oci://ghcr.io/org/charts/app:1.2.3@sha256:…`: the version and digest written in the address
    const last = address.slice(address.lastIndexOf('/') + 1);
    const at = last.indexOf('@');
    const colon = last.indexOf(':');
    const ofAddress = (start: number, end: number): ChartText => {
      const offset = chart.span.start + chart.value.indexOf(address) + address.length - last.length;
      return { value: last.slice(start, end), span: { ...chart.span, start: offset + start, end: offset + end } };
    };
    const digest = at >= 0 ? ofAddress(at + 1, last.length) : undefined;
    const tag = colon >= 0 && (at < 0 || colon < at) ? ofAddress(colon + 1, at >= 0 ? at : last.length) : undefined;
    return { ...base, remote: chart, archive: false, name: chart, ...(base.version || !tag ? {} : { version: tag }), ...(digest ? { digest } : {}) };
  }
  if (/^https?:\/\//i.test(address)) return { ...base, remote: chart, archive: true, name: chart };
  return undefined;
}

function withInsecure(chart: ClusterHelmChart, object: KubeObject, holder: Node | undefined, keys: readonly string[]): ClusterHelmChart {
  for (const key of keys) {
    const flag = text(object, getNode(holder, key));
    if (flag && flag.value.trim() === 'true') return { ...chart, insecure: { ...flag, key } };
  }
  return chart;
}

function text(object: KubeObject, node: Node | undefined): ChartText | undefined {
  if (!isScalar(node)) return undefined;
  const value = stringValue(node);
  const span = innerSpanOf(object.source.file, node);
  return value === undefined || !span || value.trim() === '' ? undefined : { value, span };
}

const PULUMI_HELM_TYPE = /^kubernetes:helm\.sh\/v\d+:(?:Release|Chart)$/;

/**
 * Charts a Pulumi YAML program installs: `kubernetes:helm.sh/v3:Release` and `v4:Chart` resources
 * (`chart`, `version`, `repositoryOpts.repo`; an `oci://` chart; a local path is the tree's own).
 */
export function pulumiHelmCharts(document: YamlDocument): ClusterHelmChart[] {
  if (!isPulumiYamlProgram(document) || !isMap(document.root)) return [];
  return mapEntries(getNode(document.root, 'resources')).flatMap(({ key, value }) => {
    if (!PULUMI_HELM_TYPE.test(stringValue(getNode(value, 'type'))?.trim() ?? '')) return [];
    const properties = getNode(value, 'properties');
    if (!isMap(properties)) return [];
    const object: KubeObject = { source: document, node: properties, apiVersion: 'helm.sh/v3', kind: 'Release', name: key, namespace: undefined, embeddedIn: 'Pulumi.yaml' };
    const found = chartOf(object, `Pulumi resource ${key}`, 'Pulumi', text(object, getNode(properties, 'chart')), text(object, getNode(getNode(properties, 'repositoryOpts'), 'repo')), text(object, getNode(properties, 'version')));
    return found ? [found] : [];
  });
}
