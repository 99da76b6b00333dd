import { isMap, type YAMLMap } from 'yaml';
import { apiGroup, type KubeObject } from '../../model/kubernetes.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import { getNode, getPath, getString, spanOf, stringValue } from '../../model/yaml.js';

const FLUX_SOURCE_GROUP = 'source.toolkit.fluxcd.io';
const FLUX_HELM_GROUP = 'helm.toolkit.fluxcd.io';

/**
 * Kubernetes objects of the tree plus those embedded in Flux Operator `ResourceSet`s
 * (`spec.resources`) and OpenShift `Template`s, which their controllers apply like any other manifest.
 */
export function objectsWithEmbedded(workspace: Workspace): KubeObject[] {
  return withEmbedded(workspace.kubeObjects());
}

function withEmbedded(declared: readonly KubeObject[]): KubeObject[] {
  return withEmbeddedObjects(declared);
}

export function isFluxSource(object: KubeObject, kind: string): boolean {
  return object.kind === kind && apiGroup(object) === FLUX_SOURCE_GROUP;
}

export function isFluxHelmRelease(object: KubeObject): boolean {
  return object.kind === 'HelmRelease' && apiGroup(object) === FLUX_HELM_GROUP;
}

/** Where to point at an object as a whole: its `kind:` value. */
export function kindSpan(object: KubeObject): Span | undefined {
  return spanOf(object.source.file, getNode(object.node, 'kind'));
}

/** A `verify:` block of a Flux object (OCIRepository, HelmChart, HelmRelease chart template). */
export interface FluxVerify {
  readonly owner: KubeObject;
  /** the map holding `verify` (the object's spec, or a HelmRelease's `spec.chart.spec`) */
  readonly holder: YAMLMap | undefined;
  readonly verify: YAMLMap | undefined;
}

/** Chart sources that Flux verifies with `verify:`: OCIRepository, HelmChart, HelmRelease `chart.spec`. */
export function verifiableSources(objects: readonly KubeObject[]): FluxVerify[] {
  const found: FluxVerify[] = [];
  const asMap = (node: unknown): YAMLMap | undefined => (isMap(node) ? node : undefined);
  for (const object of objects) {
    let holder: YAMLMap | undefined;
    if (isFluxSource(object, 'OCIRepository') || isFluxSource(object, 'HelmChart')) holder = asMap(getNode(object.node, 'spec'));
    else if (isFluxHelmRelease(object)) holder = asMap(getPath(object.node, 'spec', 'chart', 'spec'));
    else continue;
    if (isFluxHelmRelease(object) && !holder) continue;
    found.push({ owner: object, holder, verify: asMap(getNode(holder, 'verify')) });
  }
  return found;
}

/** `HelmRepository` objects of `type: oci`, by name and (when known) namespace. */
export function ociHelmRepositories(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((object) => isFluxSource(object, 'HelmRepository')
    && (getString(object.node, 'spec', 'type') === 'oci' || (getString(object.node, 'spec', 'url') ?? '').startsWith('oci://')));
}

/** Where a HelmRepository is defined: what a chart's `sourceRef` is matched against. */
export interface RepositoryName {
  readonly name: string | undefined;
  readonly namespace: string | undefined;
}

const OCI_WORD = /\boci\b/;

/**
 * The OCI HelmRepositories of the whole tree (`workspace.tree`), by name and namespace: a chart in
 * one batch may come from a repository defined in any directory. Read from the files whose text
 * names a HelmRepository and the word `oci` (`type: oci`, an `oci://` URL; not `ocirepositories`), so
 * a scan in batches parses only those again.
 */
export function treeOciHelmRepositories(workspace: Workspace): readonly RepositoryName[] {
  const tree = workspace.tree;
  return tree.derived('flux-oci-helm-repositories', () => {
    const declared = tree.manifestFiles()
      .filter((file) => file.text.includes('HelmRepository') && OCI_WORD.test(file.text))
      .flatMap((file) => tree.kubeObjectsOfFile(file));
    return ociHelmRepositories(withEmbedded(declared)).map(({ name, namespace }) => ({ name, namespace }));
  });
}

/** Whether a HelmChart / HelmRelease chart template takes its chart from an OCI HelmRepository. */
export function chartFromOciRepository(source: FluxVerify, ociRepositories: readonly RepositoryName[]): boolean {
  const sourceRef = getNode(source.holder, 'sourceRef');
  if ((getString(sourceRef, 'kind') ?? 'HelmRepository') !== 'HelmRepository') return false;
  const name = getString(sourceRef, 'name');
  const namespace = getString(sourceRef, 'namespace') ?? source.owner.namespace;
  return ociRepositories.some((repository) => repository.name === name
    && (namespace === undefined || repository.namespace === undefined || repository.namespace === namespace));
}

export function verifyProvider(verify: YAMLMap): string {
  return stringValue(getNode(verify, 'provider')) ?? 'cosign';
}
