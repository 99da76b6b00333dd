import { isScalar, type Node } from 'yaml';
import { apiGroup, describeObject, type KubeObject } from './kubernetes.js';
import type { Span } from './span.js';
import { getNode, getPath, innerSpanOf, seqItems, spanOf, stringValue } from './yaml.js';

/**
 * A package an in-cluster package manager installs, and what picks its version:
 * - OLM `Subscription` (operators.coreos.com): `installPlanApproval` (`Automatic` unless it says `Manual`);
 * - kapp-controller `PackageInstall` (packaging.carvel.dev): `packageRef.versionSelection.constraints`;
 * - Crossplane package metadata (`crossplane.yaml`, meta.pkg.crossplane.io; Upbound's `upbound.yaml`
 *   Project, meta.dev.upbound.io): each `spec.dependsOn[]` `version` constraint.
 */
export type PackageInstall =
  | { readonly manager: 'olm'; readonly object: KubeObject; readonly where: string; readonly name: string; readonly channel?: string;
      /** the `installPlanApproval` value, absent when left to its default */
      readonly approval?: { readonly value: string; readonly span: Span }; readonly span: Span }
  | { readonly manager: 'kapp-controller' | 'crossplane'; readonly object: KubeObject; readonly where: string; readonly name: string;
      readonly version?: { readonly value: string; readonly span: Span }; readonly span: Span };

const CROSSPLANE_META = new Set(['meta.pkg.crossplane.io', 'meta.dev.upbound.io']);
/** Older `dependsOn` entries name the package under the key of its kind. */
const CROSSPLANE_PACKAGE_KEYS = ['package', 'provider', 'configuration', 'function'];

export function packageInstalls(object: KubeObject): PackageInstall[] {
  const group = apiGroup(object);
  const spec = getNode(object.node, 'spec');
  const where = describeObject(object);
  if (object.kind === 'Subscription' && group === 'operators.coreos.com') {
    const name = stringValue(getNode(spec, 'name'));
    const span = spanOf(object.source.file, getNode(spec, 'name')) ?? spanOf(object.source.file, getNode(object.node, 'kind'));
    if (!name || !span) return [];
    const approval = text(object, getNode(spec, 'installPlanApproval'));
    const channel = stringValue(getNode(spec, 'channel'));
    return [{ manager: 'olm', object, where, name, span, ...(approval ? { approval } : {}), ...(channel ? { channel } : {}) }];
  }
  if (object.kind === 'PackageInstall' && group === 'packaging.carvel.dev') {
    const ref = getNode(spec, 'packageRef');
    const name = stringValue(getNode(ref, 'refName'));
    const span = spanOf(object.source.file, getNode(ref, 'refName'));
    if (!name || !span) return [];
    const version = text(object, getPath(ref, 'versionSelection', 'constraints'));
    return [{ manager: 'kapp-controller', object, where, name, span, ...(version ? { version } : {}) }];
  }
  if (CROSSPLANE_META.has(group)) {
    return seqItems(getNode(spec, 'dependsOn')).flatMap((dependency) => {
      const key = CROSSPLANE_PACKAGE_KEYS.find((candidate) => isScalar(getNode(dependency, candidate)));
      const node = key ? getNode(dependency, key) : undefined;
      const name = stringValue(node);
      const span = spanOf(object.source.file, node);
      if (!name || !span) return [];
      const version = text(object, getNode(dependency, 'version'));
      return [{ manager: 'crossplane' as const, object, where, name, span, ...(version ? { version } : {}) }];
    });
  }
  return [];
}

function text(object: KubeObject, node: Node | undefined): { value: string; span: Span } | undefined {
  if (!isScalar(node)) return undefined;
  const value = stringValue(node);
  const span = innerSpanOf(object.source.file, node);
  return value === undefined || !span || value.trim() === '' ? undefined : { value, span };
}
