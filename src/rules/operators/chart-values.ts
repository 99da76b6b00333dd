import { isMap, type Node } from 'yaml';
import type { Workspace } from '../../model/workspace.js';
import { getNode, getString, seqItems } from '../../model/yaml.js';
import { helmValuesSites, type ValuesSite } from './helm-values.js';
import { perWorkspace } from './memo.js';

/** Charts whose values become the objects Rampart checks (settings ConfigMaps, Applications, a FluxInstance). */
export type KnownChart = 'argo-cd' | 'argocd-apps' | 'flux-instance';

/** Where one chart's values start inside a values site: its root, or under an umbrella chart's dependency key. */
export interface ChartValuesRoot {
  readonly site: ValuesSite;
  readonly root: Node;
  /** the key path to the root, with a trailing dot (`argo-cd.`), or '' at the site's root */
  readonly prefix: string;
  /** the site says it is this chart (its chart name, or a dependency key of an umbrella Chart.yaml); otherwise the shape must say so */
  readonly known: boolean;
}

/**
 * The values of `chart` in every values site: a values file, HelmRelease, Argo CD `valuesObject` or
 * Kustomize `valuesInline` for the chart itself, and the sub-tree an umbrella chart hands to its
 * dependency (`argo-cd:` or its alias in `Chart.yaml`, e.g. `argocd:`).
 */
export function chartValuesRoots(workspace: Workspace, chart: KnownChart): ChartValuesRoot[] {
  return perWorkspace(workspace, `chart-values ${chart}`, () => {
    const keys = dependencyKeys(workspace, chart);
    const roots: ChartValuesRoot[] = [];
    for (const site of helmValuesSites(workspace)) {
      if (site.origin !== 'values') continue;
      roots.push({ site, root: site.root, prefix: '', known: site.chart === chart });
      for (const { key, value } of site.view.entries(site.root)) {
        if (keys.has(key) && isMap(value)) roots.push({ site, root: value, prefix: `${key}.`, known: true });
      }
    }
    return roots;
  });
}

/** The keys an umbrella chart's values use for `chart`: its name, and each alias `Chart.yaml` dependencies give it. */
function dependencyKeys(workspace: Workspace, chart: KnownChart): Set<string> {
  const keys = new Set<string>([chart]);
  for (const { chart: document } of workspace.helmCharts()) {
    for (const dependency of seqItems(getNode(document.root, 'dependencies'))) {
      if (getString(dependency, 'name') !== chart) continue;
      keys.add(getString(dependency, 'alias') ?? chart);
    }
  }
  return keys;
}
