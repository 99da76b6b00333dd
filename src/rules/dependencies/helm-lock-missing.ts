import type { Workspace } from '../../model/workspace.js';
import { classifyVersion } from '../../model/git-ref.js';
import { satisfiesConstraint } from '../../model/semver-constraint.js';
import { defineRule } from '../rule.js';
import { chartDependencies, isRemoteDependency, sameRepository, type ChartDependency } from './chart-dependencies.js';
import { joinPath } from './support.js';

export default defineRule({
  id: 'helm-lock-missing',
  layer: 'dependencies',
  severity: 'medium',
  objectKinds: [],
  summary: 'A chart with remote dependencies has no `Chart.lock`, or its lock disagrees with `Chart.yaml`.',
  rationale:
    '`Chart.lock` records the exact version and digest of each dependency that was reviewed. Without it, every ' +
    '`helm dependency build` (Argo CD runs one for charts whose `charts/` is empty) resolves the ranges in ' +
    '`Chart.yaml` again and may fetch a release nobody reviewed. A lock that names other dependencies, versions ' +
    'outside the `Chart.yaml` constraint, or other repositories than `Chart.yaml` is stale: `helm dependency build` ' +
    'refuses it or builds something else than the file says. When every remote version is exact the lock adds ' +
    'little (Helm does not check chart digests against it), so a missing lock is then reported at low severity. Charts whose remote dependencies are all vendored ' +
    'under `charts/` do not need a lock; `file://` dependencies are part of the tree. Helm 2 charts ' +
    '(`requirements.yaml` / `requirements.lock`) are checked the same way.',
  remediation:
    'Run `helm dependency update <chart>` and commit `Chart.lock` (and keep it out of `.gitignore`); re-run it whenever ' +
    'the dependencies in `Chart.yaml` change.',
  references: [
    'https://helm.sh/docs/helm/helm_dependency/',
    'https://helm.sh/docs/helm/helm_dependency_build/',
    'https://argo-cd.readthedocs.io/en/stable/user-guide/helm/',
  ],
  messages: {
    missing: 'Chart {chart} has remote dependencies ({names}) and no {lock}: each build resolves their versions again.',
    missingExact: 'Chart {chart} has remote dependencies ({names}) and no {lock}; their versions are exact, so this is reproducibility hygiene (low severity): commit the lock.',
    notLocked: 'Dependency {name} is not in {lock}: the lock is stale; run `helm dependency update`.',
    versionMismatch: 'Dependency {name} asks for {version} but {lock} pins {locked}: the lock is stale; run `helm dependency update`.',
    repositoryMismatch: 'Dependency {name} comes from {repository} but {lock} records {locked}: the lock is stale; run `helm dependency update`.',
    extra: 'Dependency {name} is in {lock} but not in {chartFile}: the lock is stale; run `helm dependency update`.',
  },
  examples: {
    bad: [{ file: 'Chart.yaml', code: 'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies: # expect: helm-lock-missing\n  - name: redis\n    version: 20.1.4\n    repository: https://charts.bitnami.com/bitnami\n' }],
    good: [{ file: 'Chart.yaml', code: 'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 1.0.0\n    repository: file://../common\n' }],
  },
  check(context) {
    const { workspace } = context;
    for (const chart of chartDependencies(workspace)) {
      const remote = chart.dependencies.filter(isRemoteDependency);
      if (remote.length === 0) continue;
      const lockName = chart.lockPath.slice(chart.lockPath.lastIndexOf('/') + 1);
      const chartFile = chart.file.baseName;
      const chartName = chart.directory === '' ? '(root)' : chart.directory;
      if (!chart.lock) {
        if (workspace.has(chart.lockPath) || remote.every((dependency) => isVendored(workspace, chart.directory, dependency))) continue;
        const names = [...new Set(remote.map((dependency) => dependency.name?.value ?? '(unnamed)'))];
        const data = { chart: chartName, names: names.join(', '), lock: lockName };
        if (remote.every((dependency) => classifyVersion(dependency.version?.value) === 'exact')) {
          context.report({ messageId: 'missingExact', at: chart.keySpan, data, subject: chart.lockPath, severity: 'low' });
        } else {
          context.report({ messageId: 'missing', at: chart.keySpan, data, subject: chart.lockPath });
        }
        continue;
      }
      const lock = chart.lock;
      for (const dependency of remote) {
        const name = dependency.name?.value;
        if (name === undefined) continue;
        const locked = lock.find((entry) => entry.name?.value === name);
        const subject = `${chart.lockPath}\0${name}`;
        if (!locked) {
          context.report({ messageId: 'notLocked', at: dependency.name?.span ?? dependency.span, data: { name, lock: lockName }, subject });
          continue;
        }
        const constraint = dependency.version?.value;
        const lockedVersion = locked.version?.value;
        if (constraint !== undefined && lockedVersion !== undefined && satisfiesConstraint(lockedVersion, constraint) === false) {
          context.report({ messageId: 'versionMismatch', at: dependency.version?.span ?? dependency.span, data: { name, version: `\`${constraint}\``, lock: lockName, locked: lockedVersion }, subject });
        }
        const repository = dependency.repository?.value ?? '';
        const lockedRepository = locked.repository?.value ?? '';
        if (!isAliasRepository(repository) && !isAliasRepository(lockedRepository) && lockedRepository !== '' && !sameRepository(repository, lockedRepository)) {
          context.report({ messageId: 'repositoryMismatch', at: dependency.repository?.span ?? dependency.span, data: { name, repository, lock: lockName, locked: lockedRepository }, subject });
        }
      }
      const declared = new Set(chart.dependencies.map((dependency) => dependency.name?.value));
      for (const entry of lock) {
        const name = entry.name?.value;
        if (name === undefined || declared.has(name)) continue;
        context.report({ messageId: 'extra', at: entry.name?.span ?? entry.span, data: { name, lock: lockName, chartFile }, subject: `${chart.lockPath}\0${name}\0extra` });
      }
    }
  },
});

/** `@stable` and `alias:stable` name a repository added with `helm repo add`: Helm resolves them to URLs in the lock. */
function isAliasRepository(repository: string): boolean {
  return repository.startsWith('@') || repository.startsWith('alias:');
}

// keyed by the tree's paths, which the batches of one scan share
const vendoredMemo = new WeakMap<ReadonlySet<string>, Map<string, string[]>>();

/** Entry names under every `charts/` directory of the tree, built once per tree. */
function chartsEntries(workspace: Workspace, charts: string): string[] {
  let index = vendoredMemo.get(workspace.allPaths);
  if (!index) {
    index = new Map();
    for (const path of workspace.allPaths) {
      const match = /^(?:(.*)\/)?charts\/([^/]+)/.exec(path);
      if (!match?.[2]) continue;
      const directory = match[1] === undefined ? 'charts' : `${match[1]}/charts`;
      const entries = index.get(directory) ?? [];
      if (entries.length === 0) index.set(directory, entries);
      entries.push(match[2]);
    }
    vendoredMemo.set(workspace.allPaths, index);
  }
  return index.get(charts) ?? [];
}

/** `charts/<name>/` or `charts/<name>-<version>.tgz`: the dependency is vendored, no fetch needed. */
function isVendored(workspace: Workspace, directory: string, dependency: ChartDependency): boolean {
  const name = dependency.name?.value;
  if (name === undefined) return false;
  return chartsEntries(workspace, joinPath(directory, 'charts')).some((entry) => entry === name || (entry.startsWith(`${name}-`) && entry.endsWith('.tgz')));
}
