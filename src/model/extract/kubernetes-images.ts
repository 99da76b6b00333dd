import { append } from '../../append.js';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import { mayHoldContainers } from '../container-keys.js';
import { apiGroup, describeObject, type KubeObject } from '../kubernetes.js';
import type { SourceFile } from '../source-file.js';
import { documentsInBlockLiteral } from '../yaml-in-string.js';
import { getNode, getPair, innerSpanOf, isTreeShaped, resolveAlias, scalarKey, seqItems, stringValue } from '../yaml.js';
import { helmValuesImages } from './helm-values-images.js';
import { pinnableHere, valuesWithParameters } from './helm-parameters.js';
import { kustomizeImageEntries } from './kustomize-images.js';
import { tektonRemoteRefs } from './tekton-refs.js';
import { isUpgradePlan, upgradePlanImages } from './upgrade-plan-images.js';
import { openshiftImages } from './openshift-images.js';
import { istioOperatorImages } from './istio-images.js';
import { isVersionedOperatorResource, operatorVersionImages } from './operator-version-images.js';
import { carvelImages } from './carvel-images.js';
import { kubevirtRegistryImages } from './kubevirt-images.js';
import { scalarImage } from './yaml-tool-images.js';

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
  const functionImage = krmFunctionImage(object);
  if (DATA_KINDS.has(object.kind)) return functionImage ? [functionImage] : [];
  const found: ImageOccurrence[] = functionImage ? [functionImage] : [];
  const embeddedValues = embeddedHelmValues(object);
  const skip = new Set<Node>([...embeddedValues.flatMap((entry) => [entry.values, ...(entry.written ?? [])]), ...policyPatterns(object)]);
  if (mayHoldContainers(object.source)) walk(object, object.node, 'containers', skip, found, isTreeShaped(object.source.document) ? undefined : new Set());
  for (const { values, label, assembled } of embeddedValues) {
    append(found, helmValuesImages(object.source.file, values, `${describeObject(object)} ${label}`).map((occurrence) => pinnableHere(occurrence, assembled)));
  }
  append(found, argoKustomizeImages(object));
  if (isVersionedOperatorResource(object)) append(found, operatorVersionImages(object));
  else if (isOperatorResource(object)) {
    // operators' custom resources name the images they run outside pod specs (DragonflyDB `spec.image`, GPU Operator `driver`)
    const spec = getNode(object.node, 'spec');
    if (spec) append(found, helmValuesImages(object.source.file, spec, `${describeObject(object)} spec`, undefined, { referenceShaped: true }));
  }
  found.push(...localClusterImages(object));
  if (isUpgradePlan(object)) append(found, upgradePlanImages(object));
  append(found, openshiftImages(object));
  append(found, istioOperatorImages(object));
  append(found, carvelImages(object));
  append(found, kubevirtRegistryImages(object));
  append(found, kptFunctionImages(object));
  const crossplane = crossplanePackage(object);
  if (crossplane) found.push(crossplane);
  // Tekton bundles are OCI images holding Tasks and Pipelines, pulled and run by the controller
  for (const ref of tektonRemoteRefs(object)) {
    if (ref.resolver !== 'bundles') continue;
    const bundle = scalarImage(object.source.file, ref.params.get('bundle'), 'kubernetes', `${ref.context} bundle`);
    if (bundle) found.push(bundle);
  }
  if (object.kind === 'Kustomization' && object.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
    // Flux applies these like a kustomization.yaml `images:` list
    append(found, kustomizeImageEntries(object.source.file, getNode(getNode(object.node, 'spec'), 'images'), `${describeObject(object)} images`));
  }
  if (object.kind === 'HelmRelease') {
    // post-renderers rewrite the chart's images after it is rendered
    for (const renderer of seqItems(getNode(getNode(object.node, 'spec'), 'postRenderers'))) {
      append(found, kustomizeImageEntries(object.source.file, getNode(getNode(renderer, 'kustomize'), 'images'), `${describeObject(object)} postRenderers kustomize images`));
    }
  }
  return found;
}

/**
 * Local cluster configs: k3d's `image:` (the k3s node image) and kind's `nodes[].image`; the
 * tools pull these and run them as privileged containers that become the cluster's nodes.
 */
function localClusterImages(object: KubeObject): ImageOccurrence[] {
  const file = object.source.file;
  const label = describeObject(object);
  if (object.apiVersion.startsWith('k3d.io/')) {
    const image = scalarImage(file, getNode(object.node, 'image'), 'kubernetes', `${label} node image`);
    return image ? [image] : [];
  }
  if (object.kind === 'Cluster' && object.apiVersion.startsWith('kind.x-k8s.io/')) {
    return seqItems(getNode(object.node, 'nodes')).flatMap((node, index) => {
      const image = scalarImage(file, getNode(node, 'image'), 'kubernetes', `${label} nodes[${index}] image`);
      return image ? [image] : [];
    });
  }
  return [];
}

/**
 * kpt's `Kptfile` `pipeline.mutators[].image` and `validators[].image`: `kpt fn render` pulls and runs
 * each function's container over the package (a `exec:` step is kustomize-exec-function's).
 */
function kptFunctionImages(object: KubeObject): ImageOccurrence[] {
  if (object.kind !== 'Kptfile' || !object.apiVersion.startsWith('kpt.dev/')) return [];
  const pipeline = getNode(object.node, 'pipeline');
  return ['mutators', 'validators'].flatMap((list) => seqItems(getNode(pipeline, list)).flatMap((step, index) => {
    const image = kptFunction(object.source.file, getNode(step, 'image'), `Kptfile pipeline ${list}[${index}] function`);
    return image ? [image] : [];
  }));
}

/** kpt's catalogue prefix: an image without a `/` (`set-labels:v0.1`) is one of its functions. */
const KPT_FUNCTION_PREFIX = 'gcr.io/kpt-fn/';

function kptFunction(file: SourceFile, node: Node | undefined, context: string): ImageOccurrence | undefined {
  const image = scalarImage(file, node, 'kubernetes', context);
  if (!image || image.text.includes('/') || image.pin.kind !== 'text') return image;
  return imageOccurrence({ ...image, text: `${KPT_FUNCTION_PREFIX}${image.text}`, pin: { ...image.pin, written: image.text } });
}

/** The annotation that makes an object a KRM function's config (`config.k8s.io/function` is its older spelling). */
const FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];

/**
 * `config.kubernetes.io/function: {container: {image: …}}`: kustomize (`--enable-alpha-plugins`)
 * and `kustomize fn run` pull and run this image as a generator or transformer of the build.
 */
function krmFunctionImage(object: KubeObject): ImageOccurrence | undefined {
  const annotations = getNode(getNode(object.node, 'metadata'), 'annotations');
  for (const name of FUNCTION_ANNOTATIONS) {
    const [spec] = documentsInBlockLiteral(object.source.file, getNode(annotations, name));
    const image = scalarImage(object.source.file, getNode(getNode(spec, 'container'), 'image'), 'kubernetes', `${describeObject(object)} KRM function`);
    if (image) return image;
  }
  return undefined;
}

const KYVERNO_GROUPS = new Set(['kyverno.io', 'policies.kyverno.io']);
/** Parts of a Kyverno rule that match or check resources: their `image` fields are patterns (`eu.foo.io/* | bar.io/*`), not images. */
const KYVERNO_PATTERN_KEYS = ['validate', 'match', 'exclude', 'preconditions', 'verifyImages', 'context'];

/**
 * The pattern subtrees of a Kyverno policy's rules, and of the rules Kyverno generates for pod
 * controllers into `status.autogen.rules` (test suites assert them as written). A `mutate` patch or
 * a `generate` body stays: the images it writes are deployed.
 */
function policyPatterns(object: KubeObject): Node[] {
  if (!KYVERNO_GROUPS.has(apiGroup(object))) return [];
  const patterns: Node[] = [];
  const rules = [...seqItems(getNode(getNode(object.node, 'spec'), 'rules')), ...seqItems(getNode(getNode(getNode(object.node, 'status'), 'autogen'), 'rules'))];
  for (const rule of rules) {
    for (const key of KYVERNO_PATTERN_KEYS) {
      const node = getNode(rule, key);
      if (node) patterns.push(node);
    }
  }
  return patterns;
}

/** Groups whose `image` fields are not images something pulls, or are read elsewhere. */
const NOT_OPERATOR_GROUPS = new Set([
  'image.toolkit.fluxcd.io', // ImageRepository/ImagePolicy: repositories to scan for tags
  'helm.toolkit.fluxcd.io', 'source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', 'pkg.crossplane.io',
  'kyverno.io', 'policies.kyverno.io', 'templates.gatekeeper.sh', 'constraints.gatekeeper.sh', 'admissionregistration.k8s.io',
  'install.istio.io', // IstioOperator: images joined from hub, image and tag (istio-images.ts)
  'upgrade.cattle.io', // system-upgrade-controller Plans: their images take the plan's version as tag (upgrade-plan-images.ts)
]);

/** A custom resource of an operator: a group with a dot, not a Kubernetes group, not one Rampart reads another way. */
function isOperatorResource(object: KubeObject): boolean {
  const group = apiGroup(object);
  if (!group.includes('.') || group.endsWith('.k8s.io') || NOT_OPERATOR_GROUPS.has(group)) return false;
  return !(group === 'argoproj.io' && (object.kind === 'Application' || object.kind === 'ApplicationSet' || object.kind === 'AppProject'));
}

/** Crossplane package kinds: `spec.package` is an OCI image the package manager pulls and runs (providers and functions as pods). */
const CROSSPLANE_PACKAGES = new Set(['Provider', 'Function', 'Configuration']);

function crossplanePackage(object: KubeObject): ImageOccurrence | undefined {
  if (!object.apiVersion.startsWith('pkg.crossplane.io/')) return undefined;
  // a ControllerConfig's `image` replaces the controller image of every provider that names it
  if (object.kind === 'ControllerConfig') return scalarImage(object.source.file, getNode(getNode(object.node, 'spec'), 'image'), 'kubernetes', `${describeObject(object)} image`);
  if (!CROSSPLANE_PACKAGES.has(object.kind)) return undefined;
  return scalarImage(object.source.file, getNode(getNode(object.node, 'spec'), 'package'), 'kubernetes', `${describeObject(object)} package`);
}

/** The `source` and `sources[]` of an Argo CD Application, or of an ApplicationSet's template. */
function argoSources(object: KubeObject): Node[] {
  if (object.kind !== 'Application' && object.kind !== 'ApplicationSet') return [];
  const spec = object.kind === 'ApplicationSet'
    ? getNode(getNode(getNode(object.node, 'spec'), 'template'), 'spec')
    : getNode(object.node, 'spec');
  return [getNode(spec, 'source'), ...seqItems(getNode(spec, 'sources'))].filter((source): source is Node => source !== undefined);
}

/**
 * Argo CD `kustomize.images` overrides, `[name=]newName[:tag][@digest]` as `kustomize edit set
 * image` takes them (and Argo CD Image Updater writes them): the image after `=` is what runs.
 */
function argoKustomizeImages(object: KubeObject): ImageOccurrence[] {
  return argoSources(object).flatMap((source) =>
    argoImageOverrides(object.source.file, getNode(getNode(source, 'kustomize'), 'images'), `${describeObject(object)} kustomize.images`));
}

/**
 * `.argocd-source.yaml` / `.argocd-source-<app>.yaml`, written back by Argo CD Image Updater:
 * `kustomize.images` overrides, or Helm `parameters` (`image.name` + `image.tag`) laid over the chart's values.
 */
export function argoSourceOverrideImages(file: SourceFile, root: Node | null | undefined): ImageOccurrence[] {
  const found = argoImageOverrides(file, getNode(getNode(root, 'kustomize'), 'images'), `${file.baseName} kustomize.images`);
  const parameters = valuesWithParameters(getNode(getNode(root, 'helm'), 'parameters'), []);
  if (parameters) append(found, helmValuesImages(file, parameters.values, `${file.baseName} helm.parameters`).map((occurrence) => pinnableHere(occurrence, parameters.assembled)));
  return found;
}

/** Entries `[name=]image[:tag][@digest]` of an Argo CD `kustomize.images` list (also in `.argocd-source*.yaml` write-back files). */
export function argoImageOverrides(file: SourceFile, images: Node | undefined, context: string): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  for (const entry of seqItems(images)) {
    const written = isScalar(entry) ? stringValue(entry) : undefined;
    const span = isScalar(entry) ? innerSpanOf(file, entry) : undefined;
    if (written === undefined || !span || file.text.slice(span.start, span.end) !== written) continue;
    const equals = written.indexOf('=');
    const start = span.start + equals + 1;
    const text = written.slice(equals + 1);
    const at = file.span(start, start + text.length);
    const occurrence = imageOccurrence({ file, source: 'kubernetes', text, span: at, context, pin: { kind: 'text', span: at } });
    if (occurrence) found.push(occurrence);
  }
  return found;
}

/**
 * `parentKey`: the key holding `node` (a list's items are held by the list's key), which names a
 * container's role. Aliases are followed (`containers: *shared`); `visited` walks a node shared
 * through anchors once, so aliases of aliases cost no more than the text that writes them.
 */
/** `visited`: the nodes walked so far, when aliases may lead to one twice (undefined for a document without them: see `isTreeShaped`). */
function walk(object: KubeObject, node: unknown, parentKey: string, skip: Set<Node>, found: ImageOccurrence[], visited: Set<Node> | undefined): void {
  if (skip.size > 0 && skip.has(node as Node)) return;
  if (isMap(node)) {
    if (visited) {
      if (visited.has(node)) return;
      visited.add(node);
    }
    // the pairs themselves, not mapEntries: every map of every object a webhook judges is visited
    for (const pair of node.items) {
      const key = scalarKey(pair);
      if (key === undefined) continue;
      const value = resolveAlias(pair.value);
      if (CONTAINER_LISTS.has(key) && isSeq(value)) {
        for (const item of seqItems(value)) {
          if (isMap(item) && !visited?.has(item)) addContainer(object, item, key, found);
        }
      } else if (SINGLE_CONTAINERS.has(key) && isMap(value) && !visited?.has(value)) {
        addContainer(object, value, key, found);
      }
      if (isMap(value) || isSeq(value)) walk(object, value, key, skip, found, visited);
    }
  } else if (isSeq(node)) {
    if (visited) {
      if (visited.has(node)) return;
      visited.add(node);
    }
    for (const item of node.items) walk(object, resolveAlias(item), parentKey, skip, found, visited);
  }
}

function addContainer(object: KubeObject, container: YAMLMap, role: string, found: ImageOccurrence[]): void {
  const imageNode = getNode(container, 'image');
  if (!isScalar(imageNode)) return;
  const text = stringValue(imageNode);
  const span = innerSpanOf(object.source.file, imageNode);
  if (text === undefined || !span) return;
  const name = stringValue(getNode(container, 'name'));
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
  /** maps built by laying parameters over the values, not written in the file */
  readonly assembled?: ReadonlySet<YAMLMap>;
  /** the written values nodes, left out of the container walk */
  readonly written?: readonly Node[];
}

/**
 * Flux HelmRelease `spec.values`, Argo CD `helm.valuesObject` and `helm.values` (a YAML document in
 * a string; single and multi-source, ApplicationSet templates).
 */
function embeddedHelmValues(object: KubeObject): EmbeddedValues[] {
  const found: EmbeddedValues[] = [];
  if (object.kind === 'HelmRelease') {
    const values = getNode(getNode(object.node, 'spec'), 'values');
    if (values) found.push({ values, label: 'values' });
  }
  for (const source of argoSources(object)) {
    const helm = getNode(source, 'helm');
    const values = getNode(helm, 'valuesObject');
    const inline = valuesInString(object.source.file, getNode(helm, 'values'));
    // parameters override the values (an image.tag of `latest` over a pinned block is what runs): read the values as rendered
    // Argo CD renders with valuesObject when set, else the values string
    const withParameters = valuesWithParameters(getNode(helm, 'parameters'), [values ?? inline]);
    if (withParameters) {
      found.push({ values: withParameters.values, label: 'helm values and parameters', assembled: withParameters.assembled, written: [values, inline].filter((node): node is Node => node !== undefined) });
      continue;
    }
    if (values) found.push({ values, label: 'helm.valuesObject' });
    if (inline) found.push({ values: inline, label: 'helm.values' });
  }
  return found;
}


/** The values document written in a literal block scalar (`values: |`), with its nodes at their file offsets. */
function valuesInString(file: SourceFile, node: Node | undefined): Node | undefined {
  const [values, ...more] = documentsInBlockLiteral(file, node);
  return more.length === 0 && isMap(values) ? values : undefined;
}

export function hasKey(node: unknown, key: string): boolean {
  return getPair(node, key) !== undefined;
}
