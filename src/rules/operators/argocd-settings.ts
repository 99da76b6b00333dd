import { isScalar, type Node } from 'yaml';
import { apiGroup, type KubeObject } from '../../model/kubernetes.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { perWorkspace } from './memo.js';
import type { SourceFile } from '../../model/source-file.js';
import { spanOf, stringValue } from '../../model/yaml.js';
import { chartValuesRoots } from './chart-values.js';
import { inlinePatchSites } from './inline-patches.js';

export type SettingsMap = 'argocd-cm' | 'argocd-rbac-cm' | 'argocd-cmd-params-cm';

/** One place that defines an Argo CD settings ConfigMap: a manifest, a patch, a generator, Helm chart values. */
export interface SettingsSource {
  readonly label: string;
  /** the ConfigMap's namespace, when it says */
  readonly namespace?: string;
  readonly span: Span;
  readonly settings: Setting[];
  /** only some of the ConfigMap's keys (an operator's `extraConfig`, a patch): what it leaves out is set elsewhere */
  readonly partial?: boolean;
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
  if (name === 'argocd-cm') sources.push(...operatorExtraConfig(workspace));
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

const EXTRA_CONFIG = '/spec/extraConfig';

/**
 * The Argo CD Operator writes an `ArgoCD`'s `spec.extraConfig` into argocd-cm, over the settings it
 * generates: in the resource itself, and in kustomize patches of it written inline (a JSON patch that
 * adds `/spec/extraConfig` or one of its keys, or a strategic-merge patch of an `ArgoCD`).
 */
function operatorExtraConfig(workspace: Workspace): SettingsSource[] {
  const sources: SettingsSource[] = [];
  for (const { object, view } of argocdOperatorInstances(workspace)) {
    const data = view.path(object.node, 'spec', 'extraConfig');
    if (view.map(data) !== undefined) sources.push({ ...sourceOf(object.source.file, view, `ArgoCD/${object.name ?? '(unnamed)'} spec.extraConfig`, data, data), partial: true });
  }
  for (const site of inlinePatchSites(workspace)) {
    const locate = site.locate ?? ((node: Node) => spanOf(site.file, node));
    const settings: Setting[] = [];
    const add = (key: string, value: Node | undefined): void => {
      const text = stringValue(value);
      const span = isScalar(value) ? locate(value) : undefined;
      if (text !== undefined && span) settings.push({ key, value: text, span });
    };
    if (site.jsonPatch) {
      for (const operation of site.view.items(site.root)) {
        const op = site.view.string(operation, 'op');
        const path = site.view.string(operation, 'path');
        const value = site.view.get(operation, 'value');
        if ((op !== 'add' && op !== 'replace') || path === undefined) continue;
        if (path === EXTRA_CONFIG) site.view.entries(value).forEach((entry) => add(entry.key, entry.value));
        else if (path.startsWith(`${EXTRA_CONFIG}/`)) add(unescapePointer(path.slice(EXTRA_CONFIG.length + 1)), value);
      }
    } else if (site.view.string(site.root, 'kind') === 'ArgoCD' && (site.view.string(site.root, 'apiVersion') ?? 'argoproj.io/').startsWith('argoproj.io/')) {
      site.view.entries(site.view.path(site.root, 'spec', 'extraConfig')).forEach((entry) => add(entry.key, entry.value));
    }
    const first = settings[0];
    if (first) sources.push({ label: `${site.label} spec.extraConfig`, span: first.span, settings, partial: true });
  }
  return sources;
}

/** A JSON pointer segment: `~1` is `/`, `~0` is `~`. */
function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Argo CD Operator `ArgoCD` resources, which generate the settings ConfigMaps from their spec. */
export function argocdOperatorInstances(workspace: Workspace): Array<{ object: KubeObject; view: ResolvedYaml }> {
  return workspace.kubeObjects()
    .filter((object) => isArgo(object, 'ArgoCD'))
    .map((object) => ({ object, view: new ResolvedYaml(object.source.document) }));
}
