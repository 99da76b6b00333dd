import { clusterHelmCharts, pulumiHelmCharts, type ClusterHelmChart } from '../../model/cluster-helm-charts.js';
import type { Workspace } from '../../model/workspace.js';
import { objectsWithRendered } from '../operators/chart-objects.js';
import { perWorkspace } from '../operators/memo.js';

/** Charts installed by in-cluster Helm controllers (k3s HelmChart, Crossplane Release, kapp-controller App) and by Pulumi YAML programs. */
export function installedCharts(workspace: Workspace): ClusterHelmChart[] {
  return perWorkspace(workspace, 'installed-charts', () => [
    ...objectsWithRendered(workspace).flatMap(clusterHelmCharts),
    ...workspace.yamlDocuments().filter((document) => document.file.baseName.startsWith('Pulumi.')).flatMap(pulumiHelmCharts),
  ]);
}
