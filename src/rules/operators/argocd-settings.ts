import { isScalar, type Node } from 'yaml';
import { apiGroup, type KubeObject } from '../../model/kubernetes.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { perWorkspace } from './memo.js';
import type { SourceFile } from '../../model/source-file.js';
import { spanOf, stringValue } from '../../model/yaml.js';
import { chartValuesRoots } from './chart-values.js';

export type SettingsMap = 'argocd-cm' | 'argocd-rbac-cm' | 'argocd-cmd-params-cm';

/** One place that defines an Argo CD settings ConfigMap: a manifest, a patch, a generator, Helm chart values. */
export interface SettingsSource {
  readonly label: string;
  /** the ConfigMap's namespace, when it says */
  readonly namespace?: string;
  readonly span: Span;
  readonly settings: Setting[];
}

export interface Setting {
  readonly key: string;
  readonly value: string;
  readonly span: Span;
}

/** The argo-cd Helm chart's values for each ConfigMap. */
const CHART_VALUES_KEY: Readonly<Record<SettingsMap, string>> = { 'argocd-cm': 'cm', 'argocd-rbac-cm': 'rbac', 'argocd-cmd-params-cm': 'params' };

export function isArgo(object: KubeObject, kind: string): boolean {
  return object.kind === kind && apiGroup(object) === 'argoproj.io';
}

/**
 * Every definition of an Argo CD settings ConfigMap in the tree: ConfigMap manifests (and the
 * strategic-merge patches that look like them), Kustomize `configMapGenerator` literals, and the
 * argo-cd chart's `configs.cm`/`configs.rbac`/`configs.params` values in values files, HelmReleases,
 * Applications and Kustomize `valuesInline`, also under an umbrella chart's `argo-cd:` (or alias) key.
 */
export function argocdSettings(workspace: Workspace, name: SettingsMap): SettingsSource[] {
  return perWorkspace(workspace, `argocd-settings ${name}`, () => findSettings(workspace, name));
}

function findSettings(workspace: Workspace, name: SettingsMap): SettingsSource[] {
  const sources: SettingsSource[] = [];
  for (const object of workspace.kubeObjects()) {
    if (object.kind !== 'ConfigMap' || object.name !== name) continue;
    const view = new ResolvedYaml(object.source.document);
    const source = sourceOf(object.source.file, view, `ConfigMap ${name}`, view.get(object.node, 'data'), view.path(object.node, 'metadata', 'name'));
    sources.push(object.namespace ? { ...source, namespace: object.namespace } : source);
  }
  for (const { site, root, prefix } of chartValuesRoots(workspace, 'argo-cd')) {
    const key = `${prefix}configs.${CHART_VALUES_KEY[name]}`;
    const data = site.view.path(root, 'configs', CHART_VALUES_KEY[name]);
    if (data !== undefined && site.view.map(data) !== undefined) sources.push(sourceOf(site.file, site.view, `argo-cd chart values ${key}`, data, data));
  }
  for (const kustomization of workspace.kustomizations()) {
    const view = new ResolvedYaml(kustomization.document);
    for (const generator of view.items(view.get(kustomization.root, 'configMapGenerator'))) {
      if (view.string(generator, 'name') !== name) continue;
      const settings = view.strings(view.get(generator, 'literals')).flatMap(({ value, node }) => {
        const equals = value.indexOf('=');
        const span = spanOf(kustomization.file, node);
        return equals > 0 && span ? [{ key: value.slice(0, equals).trim(), value: value.slice(equals + 1).trim(), span }] : [];
      });
      const span = spanOf(kustomization.file, view.get(generator, 'name'));
      if (span) sources.push({ label: `configMapGenerator ${name}`, span, settings });
    }
  }
  return sources;
}

function sourceOf(file: SourceFile, view: ResolvedYaml, label: string, data: Node | undefined, anchor: Node | undefined): SettingsSource {
  const settings = view.entries(data).flatMap(({ key, value }) => {
    const text = stringValue(value);
    const span = isScalar(value) ? spanOf(file, value) : undefined;
    return text !== undefined && span ? [{ key, value: text, span }] : [];
  });
  const span = spanOf(file, anchor ?? data) ?? { path: file.path, start: 0, end: 0 };
  return { label, span, settings };
}

/** Argo CD Operator `ArgoCD` resources, which generate the settings ConfigMaps from their spec. */
export function argocdOperatorInstances(workspace: Workspace): Array<{ object: KubeObject; view: ResolvedYaml }> {
  return workspace.kubeObjects()
    .filter((object) => isArgo(object, 'ArgoCD'))
    .map((object) => ({ object, view: new ResolvedYaml(object.source.document) }));
}
