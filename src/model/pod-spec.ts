import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { describeObject, type KubeObject } from './kubernetes.js';
import { mayHoldContainers } from './container-keys.js';
import { ResolvedYaml } from './yaml-resolved.js';
import { isTreeShaped, stringValue } from './yaml.js';

/** Objects whose data is not a workload, even when it looks like one. */
const DATA_KINDS = new Set(['ConfigMap', 'Secret', 'CustomResourceDefinition']);
/** Keys holding a list of containers: pod specs, and CRDs that reuse the shape (Tekton steps, sidecars). */
const CONTAINER_LISTS: Readonly<Record<string, string>> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
  steps: 'step',
  sidecars: 'sidecar',
};
/** Keys holding one container: Argo Workflows templates (`container`, `script`). */
const SINGLE_CONTAINERS = new Set(['container', 'script']);

export interface PodSpecSite {
  readonly object: KubeObject;
  readonly view: ResolvedYaml;
  /** the map holding `containers`, `volumes`, `hostNetwork`… */
  readonly spec: YAMLMap;
  /** `Deployment/web`, `CronJob/backup` */
  readonly label: string;
}

export interface ContainerSite {
  readonly object: KubeObject;
  readonly view: ResolvedYaml;
  readonly container: YAMLMap;
  /** `Deployment/web init container migrate` */
  readonly label: string;
}

/**
 * Every pod spec of an object, at any depth: Pod `spec`, Deployment/StatefulSet/DaemonSet/
 * ReplicaSet/Job `spec.template.spec`, CronJob `spec.jobTemplate.spec.template.spec`, PodTemplate
 * `template.spec`, and CRDs that embed one (Argo Rollouts, Knative, KEDA ScaledJob…). A pod spec
 * is recognised by its shape, a `containers` list of maps, so unknown workload kinds count too.
 * Helm values embedded in HelmRelease/Application objects are chart-specific and left out.
 */
export function podSpecSites(object: KubeObject): PodSpecSite[] {
  return walked(object)[POD_SPECS]!;
}

/** Every container of an object: containers, init and ephemeral containers of every pod spec, Tekton steps, Argo Workflows templates. */
export function containerSites(object: KubeObject): ContainerSite[] {
  return walked(object)[CONTAINERS]!;
}

/** The object with its pod specs and containers, both found in one walk of its tree the first time either is asked for. */
function walked(object: KubeObject): Walked {
  const cached = object as Walked;
  if (cached[POD_SPECS] === undefined) findSites(cached);
  return cached;
}

/**
 * Several rules ask for the same object's pod specs and containers: each object is walked once,
 * and keeps what was found (a WeakMap keyed by the object would keep every object the admission
 * webhook judges alive until V8's next full collection).
 */
const POD_SPECS = Symbol('pod spec sites');
const CONTAINERS = Symbol('container sites');
type Walked = KubeObject & { [POD_SPECS]?: PodSpecSite[]; [CONTAINERS]?: ContainerSite[] };

function findSites(object: Walked): void {
  const podSpecs: PodSpecSite[] = [];
  const containers: ContainerSite[] = [];
  object[POD_SPECS] = podSpecs;
  object[CONTAINERS] = containers;
  if (DATA_KINDS.has(object.kind)) return;
  const view = new ResolvedYaml(object.source.document);
  const addContainer = (container: YAMLMap, role: string): void => {
    const name = stringValue(view.get(container, 'name'));
    containers.push({ object, view, container, label: `${describeObject(object)} ${role}${name ? ` ${name}` : ''}` });
  };
  if (mayHoldContainers(object.source)) {
    walkMaps(view, object.node, embeddedValues(object, view), isTreeShaped(object.source.document), (key, value) => {
      const role = Object.hasOwn(CONTAINER_LISTS, key) ? CONTAINER_LISTS[key] : undefined;
      if (role !== undefined && isSeq(value)) {
        view.items(value).filter(isMap).forEach((item) => addContainer(item, role));
      } else if (SINGLE_CONTAINERS.has(key) && isMap(value) && view.get(value, 'image') !== undefined) {
        addContainer(value, key === 'script' ? 'script' : 'container');
      }
    }, (map, isListItem, listed) => {
      // a pod spec is always the value of a key (`spec`, `template.spec`); one inside a list is a shape the API rejects
      if (!isListItem && isSeq(listed) && view.items(listed).some(isMap)) podSpecs.push({ object, view, spec: map, label: describeObject(object) });
    });
  }
  // a patch or a partial manifest may leave `containers` to its base: where the kind puts the pod spec, its other fields still count
  const known = knownPodSpec(object, view);
  if (known && !podSpecs.some((site) => site.spec === known) && view.entries(known).some((entry) => POD_ONLY_FIELDS.has(entry.key))) {
    podSpecs.push({ object, view, spec: known, label: describeObject(object) });
  }
}

/** Fields only a pod spec has: enough to read one that does not list its containers. */
const POD_ONLY_FIELDS = new Set(['hostNetwork', 'hostPID', 'hostIPC', 'volumes', 'initContainers', 'securityContext', 'serviceAccountName']);
/** Kinds that keep a pod template at spec.template: the core ones, OpenShift DeploymentConfig, Argo Rollouts. */
const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'DeploymentConfig', 'Rollout']);

/** Where a core kind keeps its pod spec. */
function knownPodSpec(object: KubeObject, view: ResolvedYaml): YAMLMap | undefined {
  const path = object.kind === 'Pod' ? ['spec']
    : TEMPLATE_KINDS.has(object.kind) ? ['spec', 'template', 'spec']
    : object.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec']
    : object.kind === 'PodTemplate' ? ['template', 'spec']
    : undefined;
  return path ? view.map(view.path(object.node, ...path)) : undefined;
}

/**
 * Visits every map under `root` once (aliases followed, cycles cut), skipping `skip`, reading each
 * map's entries once: `entry` sees each of them in order, then `visited` sees the map with the value
 * of its `containers` key (the last one written), before the walk goes down into the entries. In a
 * tree-shaped document (`isTreeShaped`) no node is reached twice, and the nodes seen are not remembered.
 */
function walkMaps(
  view: ResolvedYaml,
  root: Node,
  skip: ReadonlySet<Node>,
  treeShaped: boolean,
  entry: (key: string, value: Node | undefined) => void,
  visited: (map: YAMLMap, isListItem: boolean, containers: Node | undefined) => void,
): void {
  const seen = treeShaped ? undefined : new Set<Node>();
  const walk = (node: Node | undefined, isListItem: boolean): void => {
    if (node === undefined || seen?.has(node) || (skip.size > 0 && skip.has(node))) return;
    seen?.add(node);
    if (isMap(node)) {
      const values: Array<Node | undefined> = [];
      let containers: Node | undefined;
      view.eachEntry(node, (key, value) => {
        if (key === 'containers' && value !== undefined) containers = value;
        entry(key, value);
        values.push(value);
      });
      visited(node, isListItem, containers);
      for (const value of values) walk(value, false);
    } else if (isSeq(node)) {
      for (const item of view.items(node)) walk(item, true);
    }
  };
  walk(view.resolve(root), false);
}

/** Flux HelmRelease `spec.values` and Argo CD `helm.valuesObject`: chart input, not pod specs. */
function embeddedValues(object: KubeObject, view: ResolvedYaml): Set<Node> {
  const skip = new Set<Node>();
  const add = (node: Node | undefined): void => {
    if (node) skip.add(node);
  };
  if (object.kind === 'HelmRelease') add(view.path(object.node, 'spec', 'values'));
  if (object.kind === 'Application' || object.kind === 'ApplicationSet') {
    const spec = object.kind === 'ApplicationSet' ? view.path(object.node, 'spec', 'template', 'spec') : view.path(object.node, 'spec');
    for (const source of [view.get(spec, 'source'), ...view.items(view.get(spec, 'sources'))]) {
      add(view.path(source, 'helm', 'valuesObject'));
    }
  }
  return skip;
}
