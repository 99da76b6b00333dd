import { classifyVersion, isTemplatedValue } from '../../model/git-ref.js';
import { satisfiesConstraint } from '../../model/semver-constraint.js';
import path from 'node:path';
import { fleetHelmBlocks } from '../../model/fleet.js';
import { isRemoteHelmfileChart, readHelmfile } from '../../model/helmfile.js';
import { readTankaChartfile } from '../../model/tanka-chartfile.js';
import { getNode, seqItems } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { installedCharts } from './cluster-charts.js';
import { chartDependencies, isRemoteDependency } from './chart-dependencies.js';
import { deref, existsInTree, scalarText } from './support.js';

export default defineRule({
  id: 'helm-dependency-unpinned',
  layer: 'dependencies',
  severity: 'medium',
  // k3s/RKE2 HelmChart, Crossplane provider-helm Release, kapp-controller App
  objectKinds: ['HelmChart', 'Release', 'App'],
  summary: 'A Helm chart dependency (or a Kustomize `helmCharts` entry, a Helmfile release, a Tanka `chartfile.yaml` chart, a Rancher Fleet `fleet.yaml` chart, or a chart a k3s `HelmChart`, Crossplane `Release`, kapp-controller `App` or Pulumi YAML program installs) asks for a version range or no version.',
  rationale:
    'A chart dependency version such as `^1.2`, `~1`, `>=1.0`, `1.x`, `1.2` (Helm reads it as `1.2.x`), `*` or no ' +
    'version at all is resolved again by `helm dependency update`, and by Kustomize\'s `helmCharts` on every build, ' +
    'so a new release of someone else\'s chart changes what you deploy without a reviewed commit. A range that a ' +
    'committed `Chart.lock` pins is reported at low severity: the lock holds the exact version until the next ' +
    'update. Local dependencies (`file://`, `charts/`) are part of this tree and are not reported. Flux ' +
    '`HelmRelease` chart version ranges are reported by `flux-source-unpinned` (Flux re-resolves them as a source ' +
    'on every interval), so each range is reported once. The k3s/RKE2 helm-controller (`HelmChart`), Crossplane ' +
    'provider-helm (`Release`) and kapp-controller (`App` `fetch[].helmChart`) install charts in the cluster the same ' +
    'way: a range or a missing version there installs whatever the repository serves next, and a chart archive ' +
    'address (`https://…/app-1.0.0.tgz`) pins nothing at all. So does a Pulumi YAML program\'s ' +
    '`kubernetes:helm.sh/v3:Release` or `v4:Chart` resource on every `pulumi up`.',
  remediation:
    'Write the exact version (`version: 1.2.3`) and commit `Chart.lock` (`helm dependency update`); let Renovate ' +
    'raise pull requests for new releases.',
  references: [
    'https://helm.sh/docs/helm/helm_dependency/',
    'https://helm.sh/docs/topics/charts/#chart-dependencies',
    'https://kubectl.docs.kubernetes.io/references/kustomize/builtins/#_helmchartinflationgenerator_',
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
  ],
  messages: {
    range: 'Chart dependency {name} asks for {version}, not an exact version: `helm dependency update` can pick a new release without review.',
    locked: 'Chart dependency {name} asks for {version}; {lock} pins {locked} for now (low severity), but `helm dependency update` moves it without review.',
    kustomize: 'Kustomize helmCharts entry {name} asks for {version}: each build can inflate a newer chart release.',
    fleet: '{where} pulls chart {name} from {source} and asks for {version}: Fleet deploys a newer chart release to the clusters without review.',
    helmfile: 'Helmfile release {name} installs {chart} at {version}: `helmfile apply` can install a newer chart release without review.',
    tanka: 'Tanka chartfile requires {chart} at {version}: `tk tool charts vendor` can vendor a newer chart release without review.',
    controller: '{where} installs chart {name} from {source} at {version}: {controller} can install a newer chart release without review.',
    controllerArchive: '{where} installs the chart archive {source}: {controller} deploys whatever that address serves, and nothing pins its content (take the chart from a Helm or OCI repository at an exact version).',
    fleetArchive: '{where} pulls the chart archive {source}: Fleet deploys whatever that address serves, and nothing pins its content (vendor the chart, or take it from a Helm or OCI repository at an exact version).',
  },
  examples: {
    bad: [{ file: 'Chart.yaml', code: 'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: ^20.0.0 # expect: helm-dependency-unpinned\n    repository: https://charts.bitnami.com/bitnami\n' }],
    good: [{ file: 'Chart.yaml', code: 'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 20.1.4\n    repository: https://charts.bitnami.com/bitnami\n  - name: common\n    version: ^1.0.0\n    repository: file://../common\n' }],
  },
  check(context) {
    for (const chart of chartDependencies(context.workspace)) {
      for (const dependency of chart.dependencies) {
        if (!isRemoteDependency(dependency)) continue;
        const version = dependency.version?.value;
        if (version !== undefined && isTemplatedValue(version)) continue;
        if (classifyVersion(version) === 'exact') continue;
        const name = dependency.name?.value ?? '(unnamed)';
        const described = version === undefined ? 'any version (no `version`)' : `\`${version}\``;
        const at = dependency.version?.span ?? dependency.name?.span ?? dependency.span;
        const subject = `${name}\0${dependency.repository?.value ?? ''}`;
        const locked = chart.lock?.find((entry) => entry.name?.value === name)?.version?.value;
        const lockName = chart.lockPath.slice(chart.lockPath.lastIndexOf('/') + 1);
        if (locked !== undefined && version !== undefined && satisfiesConstraint(locked, version) === true) {
          context.report({ messageId: 'locked', at, data: { name, version: described, lock: lockName, locked }, subject, severity: 'low' });
        } else {
          context.report({ messageId: 'range', at, data: { name, version: described }, subject });
        }
      }
    }
    for (const document of context.workspace.yamlDocuments()) {
      for (const release of readHelmfile(document)?.releases ?? []) {
        const chart = release.chart;
        if (!chart || !isRemoteHelmfileChart(chart.value) || isTemplatedValue(chart.value)) continue;
        if (existsInTree(context.workspace, path.posix.join(document.file.directory || '.', chart.value.trim()))) continue;
        const version = release.version?.value.trim();
        if (version && (isTemplatedValue(version) || classifyVersion(version) === 'exact')) continue;
        context.report({
          messageId: 'helmfile',
          at: release.version?.span ?? chart.span,
          data: { name: release.name, chart: chart.value, version: version ? `\`${version}\`` : 'no version (the newest)' },
          subject: `${release.name}\0${chart.value}`,
        });
      }
      for (const required of readTankaChartfile(document)?.requires ?? []) {
        const version = required.version?.value;
        if (isTemplatedValue(required.chart.value) || (version && (isTemplatedValue(version) || classifyVersion(version) === 'exact'))) continue;
        context.report({
          messageId: 'tanka',
          at: required.version?.span ?? required.chart.span,
          data: { chart: required.chart.value, version: version ? `\`${version}\`` : 'no version (the newest)' },
          subject: `tanka\0${required.chart.value}`,
        });
      }
      for (const block of fleetHelmBlocks(document)) {
        if (!block.remote) continue;
        // an archive address this block writes itself (a target inheriting the bundle's is reported there)
        if (block.remoteIsArchive && block.remote === block.chart) {
          context.report({ messageId: 'fleetArchive', at: block.remote.span, data: { where: block.where, source: block.remote.value }, subject: `${block.where}\0${block.remote.value}` });
          continue;
        }
        if (block.remoteIsArchive) continue;
        // a target that sets no version of its own deploys the bundle's, reported once there
        if (block.isTarget && !block.version) continue;
        const version = block.version?.value.trim();
        if (version && (isTemplatedValue(version) || classifyVersion(version) === 'exact')) continue;
        const name = block.chart?.value.trim() || block.remote.value;
        context.report({
          messageId: 'fleet',
          at: block.version?.span ?? block.chart?.span ?? block.remote.span,
          data: { where: block.where, name, source: block.remote.value, version: version ? `\`${version}\`` : 'no version (the newest)' },
          subject: `${block.where}\0${name}`,
        });
      }
    }
    for (const chart of installedCharts(context.workspace)) {
      const data = { where: chart.where, controller: chart.controller, source: chart.remote.value };
      if (isTemplatedValue(chart.remote.value) || chart.digest) continue;
      if (chart.archive) {
        context.report({ messageId: 'controllerArchive', at: chart.remote.span, data, subject: `${chart.where}\0${chart.remote.value}` });
        continue;
      }
      const version = chart.version?.value.trim();
      if (version && (isTemplatedValue(version) || classifyVersion(version) === 'exact')) continue;
      // an oci:// chart names itself: its last segment
      const name = chart.name && chart.name !== chart.remote ? chart.name.value.trim() : chart.remote.value.trim().replace(/\/+$/, '').replace(/^.*\//, '');
      context.report({
        messageId: 'controller',
        at: chart.version?.span ?? chart.name?.span ?? chart.remote.span,
        data: { ...data, name, version: version ? `\`${version}\`` : 'no version (the newest)' },
        subject: `${chart.where}\0${name}`,
      });
    }
    for (const document of context.workspace.kustomizations()) {
      for (const item of seqItems(deref(document, getNode(document.root, 'helmCharts')))) {
        const entry = deref(document, item);
        const repo = scalarText(document.file, deref(document, getNode(entry, 'repo')));
        const name = scalarText(document.file, deref(document, getNode(entry, 'name')));
        const version = scalarText(document.file, deref(document, getNode(entry, 'version')));
        // without `repo` the chart is read from the local chartHome
        if (!repo || !name || repo.value.trim() === '' || isTemplatedValue(repo.value)) continue;
        if (version && (isTemplatedValue(version.value) || classifyVersion(version.value) === 'exact')) continue;
        context.report({
          messageId: 'kustomize',
          at: version?.span ?? name.span,
          data: { name: name.value, version: version ? `\`${version.value}\`` : 'no version (the newest)' },
          subject: `${name.value}\0${repo.value}`,
        });
      }
    }
  },
});
