import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.js';
import { runRules } from '../../engine/run.js';
import { Workspace } from '../../model/workspace.js';
import { dependencyRules } from './index.js';

/** Shapes no schema allows but repositories contain: every rule must stay up and say only what is true. */
const TEXTS: Record<string, string> = {
  'kustomization.yaml': 'resources: {a: b}\nbases: [1, null, [x], {y: z}, ~]\ncomponents: "github.com/a/b"\nhelmCharts: [{name: [x]}, 7, {repo: {}, name: n}]\n',
  'weird/kustomization.yaml': 'resources:\n  - &remote github.com/acme/x//y?ref=main # expect\n  - *remote\n  - *remote\nresources:\n  - github.com/acme/dup//z?ref=main\n',
  'apps.yaml': [
    'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec: [not, a, map]\n',
    'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: b}\nspec:\n  source: "text"\n  sources: {a: b}\n',
    'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: c}\nspec:\n  source:\n    repoURL: 42\n    targetRevision: 1.2\n',
    'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: d}\nspec:\n  generators: {git: {}}\n  template: 3\n',
    'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: e}\nspec:\n  generators:\n    - matrix: {generators: [{matrix: {generators: "x"}}, {git: [1]}]}\n',
  ].join('---\n'),
  'flux.yaml': [
    'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: a}\nspec: {url: [x], ref: "main"}\n',
    'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: b}\nspec: {url: "oci://x/y", ref: {tag: [1]}}\n',
    'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: c}\nspec: {chart: {spec: [1]}, chartRef: "x"}\n',
    'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata: {name: d}\nspec: {chart: 5, version: {a: 1}, sourceRef: []}\n',
  ].join('---\n'),
  '.github/workflows/ci.yml': 'on: push\njobs: [1, 2]\n',
  '.github/workflows/other.yml': 'jobs:\n  a:\n    uses: 12\n    steps: {x: y}\n  b:\n    steps: [null, "x", {uses: [a]}, {uses: ""}, {uses: "@"}, {uses: "a/b@"}]\n',
  'action.yml': 'runs: [x]\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies: {redis: x}\n',
  'chart2/Chart.yaml': 'apiVersion: v2\nname: c2\nversion: 1.0.0\ndependencies: [null, 3, {name: [a]}, {name: r, version: 1.0, repository: 7}]\n',
  'chart2/Chart.lock': 'dependencies: "nope"\n',
  'chart3/Chart.yaml': 'apiVersion: v2\nname: c3\ndependencies:\n  - name: r\n    version: ^1.0.0\n    repository: https://x\n',
  'chart3/Chart.lock': '{{ broken: [\n',
  'templated.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n    targetRevision: {{ .Values.rev }}\n',
  'main.tf': 'module "a" {\n  source = 42\n}\nmodule {\n}\nmodule "b" {\n  version = "~> 1.0"\n}\nprovider {\n',
};

describe('dependency rules on malformed input', () => {
  it('never fail, and report only what is really there', async () => {
    const workspace = Workspace.fromTexts(TEXTS);
    const result = await runRules(workspace, DEFAULT_CONFIG, dependencyRules);
    expect(result.diagnostics.filter((diagnostic) => diagnostic.message.startsWith('rule '))).toEqual([]);
    const fired = result.findings.map((finding) => `${finding.ruleId} ${finding.location.path}:${finding.location.line}`);
    expect(fired).toContain('kustomize-remote-unpinned weird/kustomization.yaml:2');
    expect(fired).toContain('kustomize-remote-unpinned weird/kustomization.yaml:6');
    expect(fired).toContain('helm-dependency-unpinned chart3/Chart.yaml:5');
    expect(fired.filter((line) => line.startsWith('kustomize'))).toHaveLength(2);
    // `targetRevision: 1.2` read as written: a git name, not a number
    expect(fired.filter((line) => line.startsWith('argocd') || line.startsWith('flux') || line.startsWith('action'))).toEqual([
      'action-not-pinned .github/workflows/other.yml:6',
      'argocd-app-unpinned-revision apps.yaml:19',
    ]);
  });
});
