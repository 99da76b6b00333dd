import { isMap, isScalar, type Node } from 'yaml';
import { apiGroup, type KubeObject } from '../../model/kubernetes.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { spanOf, stringValue } from '../../model/yaml.js';
import { chartValuesRoots } from './chart-values.js';

const SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';
export const REPOSITORY_TYPES = new Set(['repository', 'repo-creds', 'repo-write', 'repo-write-creds']);
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;
/** The argo-cd chart's values that become repository, credential template and cluster Secrets. */
const CHART_SECRET_VALUES: ReadonlyArray<readonly [string, string]> = [['repositories', 'repository'], ['credentialTemplates', 'repo-creds'], ['clusterCredentials', 'cluster']];

export interface SecretField {
  readonly value: string;
  readonly span: Span;
  /** read from base64 `data` */
  readonly encoded: boolean;
}

/** A Secret Argo CD reads for a repository, credential template or cluster, wherever it is declared. */
export interface ArgocdSecret {
  readonly label: string;
  readonly type: string;
  readonly fields: ReadonlyMap<string, SecretField>;
  /** written as chart values, which the chart renders into a Secret: the values are in Git as written */
  readonly chartValues?: boolean;
}

/**
 * Argo CD repository, repo-creds and cluster Secrets: Secret manifests (`stringData`, base64 `data`),
 * ExternalSecret templates that render them, and the argo-cd chart's `configs.repositories`,
 * `configs.credentialTemplates` and `configs.clusterCredentials` values (also under an umbrella chart's dependency key).
 */
export function argocdSecrets(workspace: Workspace): ArgocdSecret[] {
  const secrets: ArgocdSecret[] = [];
  for (const object of workspace.kubeObjects()) {
    const view = new ResolvedYaml(object.source.document);
    if (object.kind === 'Secret') {
      const type = typeLabel(view, view.get(object.node, 'metadata'));
      if (type) secrets.push({ label: `Secret/${object.name ?? '(unnamed)'} (${type})`, type, fields: manifestFields(object, view) });
    }
    if (object.kind === 'ExternalSecret' && apiGroup(object) === 'external-secrets.io') {
      const template = view.path(object.node, 'spec', 'target', 'template');
      const type = typeLabel(view, view.get(template, 'metadata'));
      if (type) secrets.push({ label: `ExternalSecret/${object.name ?? '(unnamed)'} template (${type})`, type, fields: plainFields(object.source.file, view, view.get(template, 'data')) });
    }
  }
  for (const { site, root, prefix } of chartValuesRoots(workspace, 'argo-cd')) {
    for (const [key, type] of CHART_SECRET_VALUES) {
      const collection = site.view.path(root, 'configs', key);
      const entries = isMap(collection)
        ? site.view.entries(collection).map((entry) => ({ name: entry.key, node: entry.value }))
        : site.view.items(collection).map((node, index) => ({ name: String(index), node }));
      for (const { name, node } of entries) {
        if (!isMap(node)) continue;
        secrets.push({ label: `${site.label} ${prefix}configs.${key}.${name} (${type})`, type, fields: plainFields(site.file, site.view, node), chartValues: true });
      }
    }
  }
  return secrets;
}

function typeLabel(view: ResolvedYaml, metadata: Node | undefined): string | undefined {
  const type = view.string(view.get(metadata, 'labels'), SECRET_TYPE_LABEL)?.trim() ?? '';
  return REPOSITORY_TYPES.has(type) || type === 'cluster' ? type : undefined;
}

/** `stringData` wins over `data`, as the API server merges them. */
function manifestFields(object: KubeObject, view: ResolvedYaml): Map<string, SecretField> {
  const fields = new Map<string, SecretField>();
  const file = object.source.file;
  for (const { key, value } of view.entries(view.get(object.node, 'data'))) {
    const text = stringValue(value);
    const span = isScalar(value) ? spanOf(file, value) : undefined;
    if (text === undefined || !span || !BASE64.test(text)) continue;
    fields.set(key, { value: Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8'), span, encoded: true });
  }
  for (const [key, field] of plainFields(file, view, view.get(object.node, 'stringData'))) fields.set(key, field);
  return fields;
}

/** Plain string fields; a map (the chart's cluster `config`) is read as the JSON Argo CD would get. */
function plainFields(file: Parameters<typeof spanOf>[0], view: ResolvedYaml, map: Node | undefined): Map<string, SecretField> {
  const fields = new Map<string, SecretField>();
  for (const { key, value } of view.entries(map)) {
    // point at `insecure` itself in a chart's cluster config map
    const insecure = isMap(value) ? view.path(value, 'tlsClientConfig', 'insecure') : undefined;
    const span = spanOf(file, insecure ?? value);
    if (!span) continue;
    const text = isMap(value) ? JSON.stringify(value.toJSON()) : stringValue(value);
    if (text !== undefined) fields.set(key, { value: text, span, encoded: false });
  }
  return fields;
}
