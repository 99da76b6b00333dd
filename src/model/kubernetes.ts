import { isMap, type YAMLMap } from 'yaml';
import { getNode, getString, seqItems, type YamlDocument } from './yaml.js';

/** A Kubernetes object: any YAML document (or `List` item) with `apiVersion` and `kind`. */
export interface KubeObject {
  readonly source: YamlDocument;
  readonly node: YAMLMap;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  /** for an object a chart renders from its values (its `spec` is the values node): which values, e.g. `argocd-apps chart values applications.web` */
  readonly renderedFrom?: string;
  /** for a strategic merge patch written inline (a kustomization's `patches`, a Flux or Argo CD field that runs kustomize): where it is written */
  readonly patchFragment?: string;
  /** for an object written inside another that a controller creates (a ResourceSet's `resources`, a Template's `objects`): where */
  readonly embeddedIn?: string;
}

export function kubeObjectsOf(document: YamlDocument): KubeObject[] {
  const root = document.root;
  if (!isMap(root) || isTestAssertionFile(document.file.path)) return [];
  const apiVersion = getString(root, 'apiVersion');
  const kind = getString(root, 'kind');
  if (!apiVersion || !kind) return [];
  if (kind === 'List' || kind.endsWith('List')) {
    const items = seqItems(getNode(root, 'items'));
    if (items.length > 0 || kind === 'List') {
      return items.flatMap((item) => (isMap(item) ? objectFrom(document, item) : []));
    }
  }
  return objectFrom(document, root);
}

/**
 * A kuttl or Chainsaw test step's assertion (`01-assert.yaml`, `02-errors.yaml`,
 * `03-backup_completed-assert.yaml`): partial objects the test compares with the cluster's state,
 * or expects to be absent. Nothing applies them, and the fields they leave out are not missing.
 */
export function isTestAssertionFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^\d+-(assert|errors?)([-.][\w.-]*)?\.ya?ml$/i.test(base) || /^\d+-[\w.-]*-(assert|errors?)\.ya?ml$/i.test(base);
}

function objectFrom(source: YamlDocument, node: YAMLMap): KubeObject[] {
  const apiVersion = getString(node, 'apiVersion');
  const kind = getString(node, 'kind');
  if (!apiVersion || !kind) return [];
  return [{
    source,
    node,
    apiVersion,
    kind,
    name: getString(node, 'metadata', 'name'),
    namespace: getString(node, 'metadata', 'namespace'),
  }];
}

/** Built-in API groups whose names have no dot; every other group, a CRD's included, is a domain name with one. */
const UNDOTTED_GROUPS = new Set(['apps', 'batch', 'autoscaling', 'policy', 'extensions']);

/**
 * Whether the object's apiVersion names a Kubernetes API: the core group (`v1`), a built-in group, or a
 * group with a dot. Other tools write apiVersion and kind too (istio's release notes: `release-notes/v2`, `bug-fix`).
 */
export function isKubernetesApiVersion(object: KubeObject): boolean {
  const group = apiGroup(object);
  return group === '' || group.includes('.') || UNDOTTED_GROUPS.has(group);
}

/** `apps/v1` → `apps`, `v1` → '' (the core group). */
export function apiGroup(object: KubeObject): string {
  const slash = object.apiVersion.indexOf('/');
  return slash === -1 ? '' : object.apiVersion.slice(0, slash);
}

/** `Kind/name`; objects named by the API server from `metadata.generateName` show that prefix with `*`. */
export function describeObject(object: KubeObject): string {
  const generated = object.name === undefined ? getString(object.node, 'metadata', 'generateName') : undefined;
  const name = `${object.kind}/${object.name ?? (generated ? `${generated}*` : '(unnamed)')}`;
  const from = object.renderedFrom ?? object.patchFragment ?? (object.embeddedIn ? `in ${object.embeddedIn}` : undefined);
  return from ? `${name} (${from})` : name;
}
