import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load.js';
import { analyseDependencies } from '../src/deps/analyse.js';
import { checkDependencies } from '../src/deps/check.js';
import { buildLock, writeLock } from '../src/deps/lock.js';
import { DependencySession, loadRepository } from '../src/deps/session.js';
import { runRules } from '../src/engine/run.js';
import { RULES } from '../src/rules/index.js';
import { commitFiles, fluxHelmRelease, fluxHelmRepository, packChart, startChartRepository, startGitDaemon, writeTree } from '../test/helpers/deps-servers.js';
import { pushBlob, putManifest, startRegistry, type LocalRegistry } from '../test/helpers/registry.js';

const HTTP_CHARTS = 30;
const OCI_CHARTS = 10;
const GIT_BASES = 10;
const REFERENCES_EACH = 4;

/** A chart with what real ones hold: an image block in values, a Deployment, a Service, RBAC. */
function chartFiles(name: string): Record<string, string> {
  return {
    'values.yaml': `replicaCount: 1\nimage:\n  repository: ghcr.io/acme/${name}\n  tag: 1.0.0\n  pullPolicy: IfNotPresent\nservice:\n  port: 80\nresources: {}\n`,
    'templates/deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "${name}.fullname" . }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n        - name: proxy\n          image: docker.io/envoyproxy/envoy:v1.29.0\n`,
    'templates/service.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  ports:\n    - port: {{ .Values.service.port }}\n`,
    'templates/rbac.yaml': `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: {{ .Release.Name }}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: ServiceAccount\n    name: default\n    namespace: default\n`,
  };
}

async function pushOciChart(registry: LocalRegistry, name: string): Promise<void> {
  const archive = packChart(name, '1.0.0', chartFiles(name));
  const config = Buffer.from(JSON.stringify({ apiVersion: 'v2', name, version: '1.0.0' }));
  const repository = `charts/${name}`;
  const [configDigest, layerDigest] = await Promise.all([pushBlob(registry, repository, config), pushBlob(registry, repository, archive)]);
  const manifest = {
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: layerDigest, size: archive.length }],
  };
  await putManifest(registry, repository, '1.0.0', Buffer.from(JSON.stringify(manifest)), manifest.mediaType);
}

/** 200 references to 50 dependencies: HTTP charts, OCI charts and git bases, each pulled in 4 times. */
function repositoryFiles(chartsUrl: string, registryHost: string, gitUrl: string): Record<string, string> {
  const files: Record<string, string> = {};
  let releases = fluxHelmRepository(chartsUrl);
  let kustomizeCharts = 'helmCharts:\n';
  for (let index = 0; index < HTTP_CHARTS; index += 1) {
    releases += fluxHelmRelease(`c${index}a`, `c${index}`, '1.0.0') + fluxHelmRelease(`c${index}b`, `c${index}`, '1.0.0');
    files[`umbrella/u${index}/Chart.yaml`] = `apiVersion: v2\nname: u${index}\nversion: 0.1.0\ndependencies:\n  - name: c${index}\n    version: 1.0.0\n    repository: ${chartsUrl}\n`;
    kustomizeCharts += `  - name: c${index}\n    repo: ${chartsUrl}\n    version: 1.0.0\n    valuesInline:\n      image:\n        tag: 1.0.1\n`;
  }
  files['flux/http.yaml'] = releases;
  files['kustomize/charts/kustomization.yaml'] = kustomizeCharts;
  let ociReleases = '---\n' + fluxHelmRepository(`oci://${registryHost}/charts`, 'oci');
  for (let index = 0; index < OCI_CHARTS; index += 1) {
    ociReleases += fluxHelmRelease(`o${index}a`, `o${index}`, '1.0.0', '', 'oci') + fluxHelmRelease(`o${index}b`, `o${index}`, '1.0.0', '', 'oci');
    for (const copy of ['a', 'b']) {
      files[`argo/o${index}${copy}.yaml`] = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: o${index}${copy}, namespace: argocd}\nspec:\n  source:\n    repoURL: ${registryHost}/charts\n    chart: o${index}\n    targetRevision: 1.0.0\n`;
    }
  }
  files['flux/oci.yaml'] = ociReleases;
  for (let copy = 0; copy < REFERENCES_EACH; copy += 1) {
    files[`overlays/o${copy}/kustomization.yaml`] = `resources:\n${Array.from({ length: GIT_BASES }, (_, index) => `  - git::${gitUrl}/base${index}.git//app?ref=v1\n`).join('')}`;
  }
  return files;
}

async function oneRun(root: string, cache: string, registryHost: string, lockPath: string, locked: boolean): Promise<{ ms: number; fetchMs: number; references: number; unique: number; downloads: number; findings: number; verdicts: number }> {
  const started = performance.now();
  const session = await DependencySession.open({ cacheDirectory: cache, insecureRegistries: [registryHost], concurrency: 16 });
  try {
    const { workspace } = await loadRepository(root);
    const settings = { session, locked, lockPath };
    const { run, verdicts } = await checkDependencies(workspace, settings);
    const fetchMs = performance.now() - started;
    if (!locked) await writeLock(lockPath, buildLock(run.references));
    const analysis = await analyseDependencies(workspace, await loadConfig(root), RULES, settings);
    const failed = run.references.filter((reference) => reference.error);
    if (failed.length > 0) throw new Error(`bench: ${failed.length} references failed: ${failed[0]?.error ?? ''}`);
    return { ms: performance.now() - started, fetchMs, references: run.references.length, unique: run.fetched.size, downloads: session.fetcher.downloads, findings: analysis.findings.length, verdicts: verdicts.length };
  } finally {
    await session.close();
  }
}

export async function run(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'rampart-bench-deps-'));
  const [charts, registry] = await Promise.all([startChartRepository(), startRegistry()]);
  const gitBase = path.join(work, 'git');
  await mkdir(gitBase, { recursive: true });
  let git: Awaited<ReturnType<typeof startGitDaemon>> | undefined;
  try {
    for (let index = 0; index < HTTP_CHARTS; index += 1) charts.publish(`c${index}`, '1.0.0', packChart(`c${index}`, '1.0.0', chartFiles(`c${index}`)));
    await Promise.all(Array.from({ length: OCI_CHARTS }, (_, index) => pushOciChart(registry, `o${index}`)));
    for (let index = 0; index < GIT_BASES; index += 1) {
      await commitFiles(gitBase, `base${index}`, { 'app/kustomization.yaml': 'resources:\n  - deployment.yaml\n', 'app/deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: base${index}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: app\n          image: nginx:1.25\n` }, 'v1');
    }
    git = await startGitDaemon(gitBase);
    const root = await writeTree(path.join(work, 'repo'), repositoryFiles(charts.url, registry.host, git.url));
    const cache = path.join(work, 'cache');
    const lockPath = path.join(root, 'rampart.lock');

    const baselineStart = performance.now();
    const { workspace } = await loadRepository(root);
    await runRules(workspace, await loadConfig(root), RULES);
    const baselineMs = performance.now() - baselineStart;

    const cold = await oneRun(root, cache, registry.host, lockPath, false);
    const archiveHits = Array.from({ length: HTTP_CHARTS }, (_, index) => charts.hits(`/c${index}-1.0.0.tgz`));
    const warm = await oneRun(root, cache, registry.host, lockPath, true);
    const warmHits = Array.from({ length: HTTP_CHARTS }, (_, index) => charts.hits(`/c${index}-1.0.0.tgz`));
    const line = (label: string, result: typeof cold, goal: number): string =>
      `${label.padEnd(26)} ${(result.ms / 1000).toFixed(2).padStart(6)} s (goal < ${goal} s; fetch ${(result.fetchMs / 1000).toFixed(2)} s)  ${result.references} references, ${result.unique} unique, ${result.downloads} downloaded, ` +
      `${result.findings} findings in dependencies, ${result.verdicts} lock verdicts  ${(result.ms / baselineMs).toFixed(1)}× the plain scan\n`;
    process.stdout.write(`plain scan of the repository  ${baselineMs.toFixed(0)} ms (baseline)\n`);
    process.stdout.write(line('fetch + lock + analyse', cold, 10));
    process.stdout.write(line('again from the cache', warm, 2));
    process.stdout.write(`chart archive requests per unique HTTP chart: first run max ${Math.max(...archiveHits)}, second run added ${warmHits.reduce((sum, hits, index) => sum + hits - archiveHits[index]!, 0)}\n`);
  } finally {
    await charts.close();
    await registry.stop();
    await git?.stop();
    await rm(work, { recursive: true, force: true });
  }
}
