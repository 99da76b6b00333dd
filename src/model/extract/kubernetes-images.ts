import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import { describeObject, type KubeObject } from '../kubernetes.js';
import { getNode, getPair, innerSpanOf, mapEntries, seqItems, stringValue } from '../yaml.js';
import { helmValuesImages } from './helm-values-images.js';

/** Keys holding a list of containers in pod specs and in the CRDs that reuse their shape (Tekton steps, sidecars). */
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers', 'steps', 'sidecars']);
/** Keys holding one container: Argo Workflows templates (`container`, `script`), Tekton `stepTemplate`. */
const SINGLE_CONTAINERS = new Set(['container', 'script']);
/** Objects whose data is not a workload, even when it looks like one. */
const DATA_KINDS = new Set(['ConfigMap', 'Secret', 'CustomResourceDefinition']);

/**
 * Images of any object that carries pod templates: core workloads (Pod, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate) and CRDs that reuse
 * the container shape at any depth (Argo Rollouts, Knative, KEDA ScaledJob, Tekton, Argo Workflows).
 * Helm values embedded in Flux HelmRelease and Argo CD Applications are read as Helm values.
 */
export function kubernetesImages(object: KubeObject): ImageOccurrence[] {
  if (DATA_KINDS.has(object.kind)) return [];
  const found: ImageOccurrence[] = [];
  const embeddedValues = embeddedHelmValues(object);
  const skip = new Set<Node>(embeddedValues.map((entry) => entry.values));
  walk(object, object.node, [], skip, found);
  for (const { values, label } of embeddedValues) {
    found.push(...helmValuesImages(object.source.file, values, `${describeObject(object)} ${label}`));
  }
  return found;
}

function walk(object: KubeObject, node: unknown, path: string[], skip: Set<Node>, found: ImageOccurrence[]): void {
  if (skip.has(node as Node)) return;
  if (isMap(node)) {
    for (const { key, value } of mapEntries(node)) {
      if (CONTAINER_LISTS.has(key) && isSeq(value)) {
        for (const item of value.items) {
          if (isMap(item)) addContainer(object, item, [...path, key], found);
        }
      } else if (SINGLE_CONTAINERS.has(key) && isMap(value)) {
        addContainer(object, value, [...path, key], found);
      }
      if (isMap(value) || isSeq(value)) walk(object, value, [...path, key], skip, found);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) walk(object, item, path, skip, found);
  }
}

function addContainer(object: KubeObject, container: YAMLMap, path: string[], found: ImageOccurrence[]): void {
  const imageNode = getNode(container, 'image');
  if (!isScalar(imageNode)) return;
  const text = stringValue(imageNode);
  const span = innerSpanOf(object.source.file, imageNode);
  if (text === undefined || !span) return;
  const name = stringValue(getNode(container, 'name'));
  const role = path[path.length - 1] ?? 'containers';
  const occurrence = imageOccurrence({
    file: object.source.file,
    source: 'kubernetes',
    text,
    span,
    context: `${describeObject(object)} ${containerLabel(role)}${name ? ` ${name}` : ''}`,
    pin: { kind: 'text', span },
  });
  if (occurrence) found.push(occurrence);
}

function containerLabel(role: string): string {
  switch (role) {
    case 'initContainers': return 'init container';
    case 'ephemeralContainers': return 'ephemeral container';
    case 'steps': return 'step';
    case 'sidecars': return 'sidecar';
    default: return 'container';
  }
}

interface EmbeddedValues {
  readonly values: Node;
  readonly label: string;
}

/** Flux HelmRelease `spec.values`, Argo CD `helm.valuesObject` (single and multi-source, ApplicationSet templates). */
function embeddedHelmValues(object: KubeObject): EmbeddedValues[] {
  const found: EmbeddedValues[] = [];
  if (object.kind === 'HelmRelease') {
    const values = getNode(getNode(object.node, 'spec'), 'values');
    if (values) found.push({ values, label: 'values' });
  }
  if (object.kind === 'Application' || object.kind === 'ApplicationSet') {
    const spec = object.kind === 'ApplicationSet'
      ? getNode(getNode(getNode(object.node, 'spec'), 'template'), 'spec')
      : getNode(object.node, 'spec');
    const sources = [getNode(spec, 'source'), ...seqItems(getNode(spec, 'sources'))];
    for (const source of sources) {
      const values = getNode(getNode(source, 'helm'), 'valuesObject');
      if (values) found.push({ values, label: 'helm.valuesObject' });
    }
  }
  return found;
}

export function hasKey(node: unknown, key: string): boolean {
  return getPair(node, key) !== undefined;
}
