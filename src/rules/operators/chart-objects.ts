import { append } from '../../append.js';
import { isMap, Pair, Scalar, YAMLMap, type Node } from 'yaml';
import type { KubeObject } from '../../model/kubernetes.js';
import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import type { Workspace } from '../../model/workspace.js';
import { chartValuesRoots, type ChartValuesRoot, type KnownChart } from './chart-values.js';
import { perWorkspace } from './memo.js';

/** A collection of the argocd-apps chart's values, the kind it renders, and the fields that make an untyped site look like it. */
interface RenderedCollection {
  readonly chart: KnownChart;
  readonly key: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** fields that all must be there when nothing says the values are this chart's */
  readonly shape: readonly string[];
}

const ARGO = 'argoproj.io/v1alpha1';
const COLLECTIONS: readonly RenderedCollection[] = [
  // `project` is required of untyped sites so that a look-alike chart never reads as "no project"
  { chart: 'argocd-apps', key: 'applications', apiVersion: ARGO, kind: 'Application', shape: ['project', 'destination'] },
  { chart: 'argocd-apps', key: 'applicationsets', apiVersion: ARGO, kind: 'ApplicationSet', shape: ['generators', 'template'] },
  { chart: 'argocd-apps', key: 'projects', apiVersion: ARGO, kind: 'AppProject', shape: ['sourceRepos', 'destinations'] },
];

/**
 * The objects charts render from their values, as Kubernetes objects whose `spec` is the values
 * node itself, so findings point at the values line:
 * - argocd-apps `applications`, `applicationsets`, `projects` (map keyed by name, or a list with `name`)
 *   → Application, ApplicationSet, AppProject;
 * - flux-instance `instance` → FluxInstance.
 * The wrapper's own fields (kind, metadata.name) carry the position of the entry's name.
 */
export function renderedObjects(workspace: Workspace): KubeObject[] {
  return perWorkspace(workspace, 'rendered-objects', () => {
    const objects: KubeObject[] = [];
    for (const collection of COLLECTIONS) {
      for (const root of chartValuesRoots(workspace, collection.chart)) append(objects, collectionObjects(root, collection));
    }
    for (const root of chartValuesRoots(workspace, 'flux-instance')) {
      const instance = root.site.view.map(root.site.view.get(root.root, 'instance'));
      const pair = root.site.view.entries(root.root).find((entry) => entry.key === 'instance')?.pair;
      const looksLikeOne = root.known || (instance !== undefined && ['distribution', 'sync'].every((key) => root.site.view.get(instance, key) !== undefined));
      if (!instance || !looksLikeOne || !root.site.document) continue;
      // the chart names its FluxInstance `flux`
      const object = wrap(root, 'flux-instance', 'fluxcd.controlplane.io/v1', 'FluxInstance', 'flux', pair?.key, instance, `${root.prefix}instance`);
      if (object) objects.push(object);
    }
    return objects;
  });
}

/**
 * Every Kubernetes object of the tree (with those written inside ResourceSets and Templates), and
 * those the charts of the tree render from their values.
 */
export function objectsWithRendered(workspace: Workspace): KubeObject[] {
  return perWorkspace(workspace, 'objects-with-rendered', () => [...withEmbeddedObjects(workspace.kubeObjects()), ...renderedObjects(workspace)]);
}

/**
 * `values-seed.yaml` beside the chart's `values.yaml` is layered over it (`helm -f values.yaml -f
 * values-seed.yaml`): an entry it renders that `values.yaml` renders too is a partial override, and
 * the fields it leaves out come from `values.yaml` (checked there).
 */
export function isValuesOverlayEntry(object: KubeObject, objects: readonly KubeObject[]): boolean {
  if (object.renderedFrom === undefined || isBaseValuesFile(object.source.file.baseName)) return false;
  const directory = object.source.file.directory;
  return objects.some((other) => other.renderedFrom === object.renderedFrom && other.kind === object.kind
    && other.source.file.directory === directory && isBaseValuesFile(other.source.file.baseName));
}

const isBaseValuesFile = (baseName: string): boolean => baseName === 'values.yaml' || baseName === 'values.yml';

function collectionObjects(root: ChartValuesRoot, collection: RenderedCollection): KubeObject[] {
  const { view } = root.site;
  const node = view.get(root.root, collection.key);
  const path = `${root.prefix}${collection.key}`;
  const entries = isMap(view.resolve(node))
    ? view.entries(node).map((entry) => ({ name: entry.key, nameNode: entry.pair.key, spec: entry.value, path: `${path}.${entry.key}` }))
    : view.items(node).map((item, index) => {
      const nameNode = view.get(item, 'name');
      return { name: view.string(nameNode), nameNode, spec: item, path: `${path}[${index}]` };
    });
  return entries.flatMap(({ name, nameNode, spec, path: entryPath }) => {
    const map = view.map(spec);
    if (!map || name === undefined) return [];
    if (!root.known && !collection.shape.every((field) => view.get(map, field) !== undefined)) return [];
    const namespace = view.string(map, 'namespace');
    const object = wrap(root, collection.chart, collection.apiVersion, collection.kind, name, nameNode, map, entryPath, collection.kind === 'AppProject' ? undefined : namespace);
    return object ? [object] : [];
  });
}

function wrap(root: ChartValuesRoot, chart: KnownChart, apiVersion: string, kind: string, name: string, nameNode: unknown, spec: YAMLMap, path: string, namespace?: string): KubeObject | undefined {
  const document = root.site.document;
  if (!document) return undefined;
  const range = (nameNode as Node | undefined)?.range ?? spec.range;
  const positioned = (value: string): Scalar => {
    const scalar = new Scalar(value);
    if (range) scalar.range = [range[0], range[1], range[2]];
    return scalar;
  };
  const metadata = new YAMLMap();
  metadata.items.push(new Pair(new Scalar('name'), positioned(name)));
  if (namespace !== undefined) metadata.items.push(new Pair(new Scalar('namespace'), positioned(namespace)));
  const node = new YAMLMap();
  node.items.push(
    new Pair(new Scalar('apiVersion'), positioned(apiVersion)),
    new Pair(new Scalar('kind'), positioned(kind)),
    new Pair(new Scalar('metadata'), metadata),
    new Pair(new Scalar('spec'), spec),
  );
  return { source: document, node, apiVersion, kind, name, namespace, renderedFrom: `${chart} chart values ${path}` };
}
