import { isMap } from 'yaml';
import { apiGroup, type KubeObject } from './kubernetes.js';
import { getNode, getPath, getString, seqItems } from './yaml.js';

/**
 * Objects written whole inside another object, which a controller creates as they are:
 * - Flux Operator `ResourceSet` `spec.resources[]` (applied for each set of inputs; `<< inputs.x >>`
 *   placeholders are left as written);
 * - OpenShift `Template` `objects[]` (what `oc process` instantiates);
 * - Crossplane provider-kubernetes `Object` `spec.forProvider.manifest`;
 * - Crossplane `Composition` `base` objects (`spec.resources[]`, function-patch-and-transform `input.resources[]`).
 * Each keeps its holder's namespace when it names none, and says where it is written.
 */
export function embeddedObjects(object: KubeObject): KubeObject[] {
  if (object.kind === 'Object' && CROSSPLANE_KUBERNETES.has(apiGroup(object))) {
    // provider-kubernetes applies `spec.forProvider.manifest` to the cluster its ProviderConfig names
    const manifest = getPath(object.node, 'spec', 'forProvider', 'manifest');
    const holder = `${object.kind}/${object.name ?? '(unnamed)'}`;
    return isMap(manifest) ? asObjects(object, [manifest], () => `${holder} forProvider.manifest`) : [];
  }
  if (object.kind === 'Composition' && apiGroup(object) === 'apiextensions.crossplane.io') {
    // Crossplane composes `base` objects (patched from the composite), written in spec.resources or a function-patch-and-transform step
    const holder = `${object.kind}/${object.name ?? '(unnamed)'}`;
    const spec = getNode(object.node, 'spec');
    const direct = seqItems(getNode(spec, 'resources')).map((entry) => ({ entry, where: 'resources' }));
    const steps = seqItems(getNode(spec, 'pipeline')).flatMap((step) =>
      seqItems(getPath(step, 'input', 'resources')).map((entry) => ({ entry, where: `pipeline ${getString(step, 'step') ?? ''}`.trimEnd() })));
    const bases = [...direct, ...steps];
    return asObjects(object, bases.map(({ entry }) => getNode(entry, 'base')), (index) => `${holder} ${bases[index]!.where} ${getString(bases[index]!.entry, 'name') ?? `[${index}]`} base`);
  }
  const list = object.kind === 'ResourceSet' && apiGroup(object) === 'fluxcd.controlplane.io' ? { node: getPath(object.node, 'spec', 'resources'), field: 'resources' }
    : object.kind === 'Template' && (apiGroup(object) === 'template.openshift.io' || apiGroup(object) === '') ? { node: getNode(object.node, 'objects'), field: 'objects' }
    : undefined;
  if (!list) return [];
  const holder = `${object.kind}/${object.name ?? '(unnamed)'}`;
  return asObjects(object, seqItems(list.node), (index) => `${holder} ${list.field}[${index}]`);
}

/** Crossplane provider-kubernetes's groups (the cluster-scoped v1 one and v2's namespaced one). */
const CROSSPLANE_KUBERNETES = new Set(['kubernetes.crossplane.io', 'kubernetes.m.crossplane.io']);

function asObjects(object: KubeObject, items: readonly unknown[], where: (index: number) => string): KubeObject[] {
  return items.flatMap((item, index) => {
    if (!isMap(item)) return [];
    const apiVersion = getString(item, 'apiVersion');
    const kind = getString(item, 'kind');
    if (!apiVersion || !kind) return [];
    const namespace = getString(item, 'metadata', 'namespace') ?? object.namespace;
    return [{
      source: object.source, node: item, apiVersion, kind,
      name: getString(item, 'metadata', 'name'),
      namespace,
      embeddedIn: where(index),
    }];
  });
}

/** The objects, each followed by those written inside it, at any depth (an `Object` in a Composition's base). */
export function withEmbeddedObjects(objects: readonly KubeObject[]): KubeObject[] {
  return objects.flatMap((object) => {
    const inside = embeddedObjects(object);
    return inside.length === 0 ? [object] : [object, ...withEmbeddedObjects(inside)];
  });
}
