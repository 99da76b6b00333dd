import { performance } from 'node:perf_hooks';
import { corpusRepositories } from './corpus.js';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { runRules } from '../src/engine/run.js';
import { Workspace } from '../src/model/workspace.js';
import { operatorRules } from '../src/rules/operators/index.js';


/** A synthetic tree: workloads of several kinds, RBAC with bindings, Argo CD and Flux objects, HelmRelease values. */
function syntheticTexts(units: number): Record<string, string> {
  const texts: Record<string, string> = {};
  for (let index = 0; index < units; index += 1) {
    const flag = index % 5 === 0;
    texts[`apps/a${index}/workload.yaml`] = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a${index}}\nspec:\n  template:\n    spec:\n      hostNetwork: ${flag}\n      containers:\n        - name: app\n          image: app:${index}\n          securityContext: {privileged: ${flag}}\n      volumes:\n        - {name: v, hostPath: {path: ${flag ? '/var/run/docker.sock' : '/mnt/data'}}}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c${index}}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: job, image: job:1}]\n`;
    texts[`rbac/r${index}.yaml`] = `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r${index}}\nrules:\n  - {apiGroups: [""], resources: [${flag ? 'secrets' : 'configmaps'}], verbs: [get, list]}\n  - {apiGroups: [apps], resources: ["${flag ? '*' : 'deployments'}"], verbs: [get]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: r${index}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${flag ? 'cluster-admin' : `r${index}`}}\nsubjects: [{kind: ServiceAccount, name: s${index}, namespace: n${index}}]\n`;
    texts[`gitops/g${index}.yaml`] = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a${index}}\nspec:\n  project: ${flag ? 'default' : 'team'}\n---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h${index}, namespace: n${index}}\nspec:\n  values:\n    controllers: {main: {containers: {app: {securityContext: {privileged: ${flag}}}}}}\n`;
  }
  return texts;
}

async function measure(label: string, build: () => Promise<Workspace> | Workspace): Promise<void> {
  const workspace = await build();
  const parseStart = performance.now();
  workspace.yamlDocuments();
  workspace.kubeObjects();
  workspace.kustomizations();
  const parseMs = performance.now() - parseStart;
  const rulesStart = performance.now();
  const result = await runRules(workspace, DEFAULT_CONFIG, operatorRules);
  const rulesMs = performance.now() - rulesStart;
  process.stdout.write(
    `${label.padEnd(34)} files ${String(workspace.files.length).padStart(6)}  baseline parse ${parseMs.toFixed(0).padStart(6)} ms` +
    `  operator rules ${rulesMs.toFixed(0).padStart(5)} ms (${(rulesMs / Math.max(parseMs, 1) * 100).toFixed(0)}% of parse)  findings ${result.findings.length}\n`,
  );
}

export async function run(): Promise<void> {
  for (const units of [500, 2_000]) {
    const texts = syntheticTexts(units);
    await measure(`synthetic ${units} units`, () => Workspace.fromTexts(texts));
  }
  for (const { label, load } of corpusRepositories()) await measure(label, load);
}
