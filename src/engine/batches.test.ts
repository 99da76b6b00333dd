import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/schema.js';
import { Workspace } from '../model/workspace.js';
import { readFixtureDirectory } from '../rules/fixture-harness.js';
import { RULES } from '../rules/index.js';
import { fileBatches, REPOSITORY_RULES } from './batches.js';
import { runRules } from './run.js';

const rulesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'rules');

/** A tree in batches of one directory (or chart) each: the smallest batches a scan can make. */
const ONE_GROUP_PER_BATCH = 1;

describe('batched scans', () => {
  it('keep a directory, and a whole chart, in one batch', () => {
    const workspace = Workspace.fromTexts({
      'charts/web/Chart.yaml': 'name: web\n',
      'charts/web/values.yaml': 'image: nginx\n',
      'charts/web/templates/deployment.yaml': 'kind: Deployment\n',
      'apps/a.yaml': 'kind: ConfigMap\n',
      'apps/b.yaml': 'kind: ConfigMap\n',
      'base/c.yaml': 'kind: ConfigMap\n',
    });
    const batches = fileBatches(workspace, workspace.chartDirectories(), ONE_GROUP_PER_BATCH).map((files) => files.map((file) => file.path).sort());
    expect(batches).toEqual([
      ['apps/a.yaml', 'apps/b.yaml'],
      ['base/c.yaml'],
      ['charts/web/Chart.yaml', 'charts/web/templates/deployment.yaml', 'charts/web/values.yaml'],
    ]);
  });

  it('find what a whole-tree run finds: a role bound from another directory, settings set in another file', async () => {
    const texts = {
      'rbac/role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get, list]\n',
      'bindings/binding.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: reader\nsubjects:\n  - kind: ServiceAccount\n    name: app\n    namespace: default\n',
      'argocd/argocd-cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  users.anonymous.enabled: "true"\n',
      'flux/argo-cd.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: argo-cd\nspec:\n  chart:\n    spec:\n      chart: argo-cd\n  values:\n    configs:\n      cm:\n        exec.enabled: "true"\n',
      'apps/web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n          securityContext:\n            privileged: true\n',
    };
    const whole = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, RULES);
    const batched = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, RULES, { batchBytes: ONE_GROUP_PER_BATCH });
    expect(whole.findings.map((finding) => finding.ruleId)).toEqual(expect.arrayContaining(['rbac-secrets-read', 'argocd-anonymous-access', 'argocd-exec-enabled', 'workload-privileged']));
    expect(batched).toEqual(whole);
  });

  it('find roles and bindings that JSON 6902 patch files in another directory change', async () => {
    const texts = {
      'base/rbac.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: viewers\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n  - {kind: Group, name: developers}\n',
      'overlay/kustomization.yaml': 'resources: [../base]\npatches:\n  - target: {kind: ClusterRoleBinding, name: viewers}\n    path: ../patches/roleref.json\n  - target: {kind: ClusterRole, name: view}\n    path: ../patches/rules.yaml\n',
      'patches/roleref.json': '[{"op": "replace", "path": "/roleRef/name", "value": "cluster-admin"}]\n',
      'patches/rules.yaml': '- op: add\n  path: /rules/-\n  value: {apiGroups: [""], resources: [secrets], verbs: [get]}\n',
    };
    const whole = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, RULES);
    const batched = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, RULES, { batchBytes: ONE_GROUP_PER_BATCH });
    expect(whole.findings.map((finding) => `${finding.ruleId} ${finding.location.path}`)).toEqual(expect.arrayContaining(['rbac-cluster-admin-binding patches/roleref.json', 'rbac-secrets-read patches/rules.yaml']));
    expect(batched).toEqual(whole);
  });

  it('find a chart taken from an OCI HelmRepository defined in another directory (flux-oci-unverified)', async () => {
    const texts = {
      'apps/runner/helmrelease.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: runner\nspec:\n  chart:\n    spec:\n      chart: gha-runner-scale-set\n      version: 0.9.3\n      sourceRef:\n        kind: HelmRepository\n        name: actions\n        namespace: flux-system\n',
      'flux/repositories/actions.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: actions\n  namespace: flux-system\nspec:\n  type: oci\n  url: oci://ghcr.io/actions\n',
    };
    const whole = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, RULES);
    const batched = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, RULES, { batchBytes: ONE_GROUP_PER_BATCH });
    expect(whole.findings.map((finding) => finding.ruleId)).toContain('flux-oci-unverified');
    expect(batched).toEqual(whole);
  });

  it('keep the OCIRepository that makes a HelmRelease argocd-apps values, and not others (argocd-app-default-project)', async () => {
    const texts = {
      'apps/argocd-apps.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: bundles\n  values:\n    applications:\n      web:\n        source:\n          repoURL: https://github.com/acme/web\n          targetRevision: v1.0.0\n          path: deploy\n        destination:\n          server: https://kubernetes.default.svc\n          namespace: web\n',
      'flux/sources/bundles.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: bundles\n  namespace: argocd\nspec:\n  url: oci://ghcr.io/argoproj/argo-helm/argocd-apps\n  ref:\n    tag: 2.0.2\n',
      'flux/sources/podinfo.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  url: oci://ghcr.io/stefanprodan/manifests/podinfo\n',
    };
    // without a project the values are argocd-apps' only because the OCIRepository says so
    const rules = RULES.filter((rule) => rule.id === 'argocd-app-default-project');
    const whole = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, rules);
    const batched = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, rules, { batchBytes: ONE_GROUP_PER_BATCH });
    expect(whole.findings.map((finding) => `${finding.ruleId} ${finding.location.path}`)).toEqual(['argocd-app-default-project apps/argocd-apps.yaml']);
    expect(batched).toEqual(whole);
  });

  it('find the Applications an ImageUpdater names in another directory (argocd-image-updater-unreviewed)', async () => {
    const texts = {
      'argocd/updater.yaml': 'apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\nmetadata:\n  name: shop\nspec:\n  writeBackConfig:\n    method: git\n  applicationRefs:\n    - namePattern: shop-cart\n      images:\n        - alias: cart\n          imageName: ghcr.io/acme/cart\n          commonUpdateSettings:\n            updateStrategy: newest-build\n',
      'apps/shop.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop-cart\n  namespace: argocd\nspec:\n  project: shop\n  source:\n    repoURL: https://github.com/acme/deploy\n    targetRevision: main\n    path: cart\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: shop\n',
    };
    const rules = RULES.filter((rule) => rule.id === 'argocd-image-updater-unreviewed');
    const whole = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, rules);
    const batched = await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, rules, { batchBytes: ONE_GROUP_PER_BATCH });
    expect(whole.findings.map((finding) => finding.message).join('\n')).toContain('Application/shop-cart');
    expect(batched).toEqual(whole);
  });

  it('read a fact of the whole tree in every batch: a Flux lockdown patch in another directory quiets the Flux objects', async () => {
    const texts = {
      'apps/podinfo.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: podinfo\n',
      'clusters/prod/apps.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  sourceRef: {kind: GitRepository, name: flux-system}\n',
      'flux-system/lockdown.yaml': 'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\nspec:\n  cluster:\n    multitenant: true\n',
    };
    const rules = RULES.filter((rule) => rule.id === 'flux-kustomization-no-service-account');
    const unlocked = { ...texts, 'flux-system/lockdown.yaml': texts['flux-system/lockdown.yaml'].replace('true', 'false') };
    for (const tree of [texts, unlocked]) {
      const whole = await runRules(Workspace.fromTexts(tree), DEFAULT_CONFIG, rules);
      const batched = await runRules(Workspace.fromTexts(tree), DEFAULT_CONFIG, rules, { batchBytes: ONE_GROUP_PER_BATCH });
      expect(batched).toEqual(whole);
    }
    expect((await runRules(Workspace.fromTexts(unlocked), DEFAULT_CONFIG, rules, { batchBytes: ONE_GROUP_PER_BATCH })).findings).toHaveLength(2);
    expect((await runRules(Workspace.fromTexts(texts), DEFAULT_CONFIG, rules, { batchBytes: ONE_GROUP_PER_BATCH })).findings).toHaveLength(0);
  });

  it('join a HelmRelease chartRef to the OCIRepository it names in another batch of a tree over the batch size (flux-source-unpinned)', async () => {
    const release = (name: string): string => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n    name: ${name}\n`;
    const source = (name: string, ref: string): string => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: ${name}\nspec:\n  interval: 1h\n  url: oci://ghcr.io/acme/charts/${name}\n  ref:\n    ${ref}\n`;
    const filler = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [
      `filler/map-${index}.yaml`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: map-${index}\ndata:\n${Array.from({ length: 200 }, (_, key) => `  key-${key}: "${'x'.repeat(40)}"\n`).join('')}`,
    ]));
    const texts = {
      // a HelmRelease in a batch before its OCIRepository's, and one after it
      'apps/web/helmrelease.yaml': release('web'),
      'apps/api/helmrelease.yaml': release('api'),
      ...filler,
      'flux/sources/web.yaml': source('web', 'tag: 1.2.3'),
      'flux/sources/api.yaml': source('api', 'semver: ">=1.0.0"'),
      'flux/sources/other.yaml': source('other', 'tag: 2.0.0'),
      'zones/db/helmrelease.yaml': release('db'),
      ...Object.fromEntries(Object.entries(filler).map(([file, text]) => [file.replace('filler', 'more'), text])),
    };
    const tree = Workspace.fromTexts({ ...texts, 'more/db-source.yaml': source('db', 'tag: 3.1.0') });
    const batches = fileBatches(tree, tree.chartDirectories()).map((files) => files.map((file) => file.path));
    const batchOf = (file: string): number => batches.findIndex((paths) => paths.includes(file));
    expect(batchOf('apps/web/helmrelease.yaml')).toBeLessThan(batchOf('flux/sources/web.yaml'));
    expect(batchOf('more/db-source.yaml')).toBeLessThan(batchOf('zones/db/helmrelease.yaml'));
    const rules = RULES.filter((rule) => rule.id === 'flux-source-unpinned');
    const batched = await runRules(tree, DEFAULT_CONFIG, rules);
    // pinned: an exact version of a chart (web, db); unpinned: a range (api), an exact tag of an artifact no HelmRelease takes a chart from (other)
    expect(batched.findings.map((finding) => `${finding.location.path} ${finding.properties?.['ref']}`)).toEqual(['flux/sources/api.yaml >=1.0.0', 'flux/sources/other.yaml 2.0.0']);
    const whole = await runRules(Workspace.fromTexts({ ...texts, 'more/db-source.yaml': source('db', 'tag: 3.1.0') }), DEFAULT_CONFIG, rules, { batchBytes: Number.MAX_SAFE_INTEGER });
    expect(batched).toEqual(whole);
  });

  for (const rule of RULES.filter((candidate) => candidate.requires === undefined)) {
    const fixtureDir = path.join(rulesDir, rule.layer, 'fixtures', rule.id);
    if (!existsSync(fixtureDir)) continue;
    it(`find what a whole-tree run finds on the fixtures of ${rule.id}`, async () => {
      const { texts, config } = readFixtureDirectory(fixtureDir);
      const whole = await runRules(Workspace.fromTexts(texts), config, [rule]);
      const batched = await runRules(Workspace.fromTexts(texts), config, [rule], { batchBytes: ONE_GROUP_PER_BATCH });
      expect(batched).toEqual(whole);
    });
  }

  it('run every rule that joins facts across files once over the whole tree (REPOSITORY_RULES)', () => {
    const joining = /(?<!function )\b(argocdSettings|appProjects|rbacModel|referencedDocuments|kubeObjectPaths|gitlabPipelineDocuments|gitlabJobs)\(/;
    const sources = new Map<string, string>();
    const read = (file: string): string => {
      let text = sources.get(file);
      if (text === undefined) sources.set(file, (text = readFileSync(file, 'utf8')));
      return text;
    };
    const joins = (file: string, seen = new Set<string>()): boolean => {
      if (seen.has(file) || file.endsWith(`${path.sep}workspace.ts`) || file.endsWith(`${path.sep}workspace-core.ts`) || file.endsWith(`rules${path.sep}index.ts`)) return false;
      seen.add(file);
      const text = read(file);
      if (joining.test(text)) return true;
      return [...text.matchAll(/from '(\.[^']+)\.js'/g)].some((match) => {
        const imported = path.join(path.dirname(file), `${match[1]}.ts`);
        return existsSync(imported) && joins(imported, seen);
      });
    };
    const ruleFiles = readdirSync(rulesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory())
      .flatMap((layer) => readdirSync(path.join(rulesDir, layer.name)).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts')).map((name) => path.join(rulesDir, layer.name, name)));
    const joiningRules = RULES.filter((rule) => ruleFiles.some((file) => path.basename(file, '.ts') === rule.id && joins(file))).map((rule) => rule.id);
    expect(joiningRules.filter((id) => !REPOSITORY_RULES.has(id))).toEqual([]);
  });
});
