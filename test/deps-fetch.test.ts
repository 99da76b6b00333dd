import { mkdtemp, readFile, rm, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { commitFiles, packChart, startChartRepository, startGitDaemon, writeTree, type ChartRepository, type GitServer } from './helpers/deps-servers.js';

let work: string;
let charts: ChartRepository;
let git: GitServer;
let cache: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-deps-'));
  cache = path.join(work, 'cache');
  charts = await startChartRepository();
  charts.publish('podinfo', '6.5.0', packChart('podinfo', '6.5.0', { 'values.yaml': 'image:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: 6.5.0\n' }));
  charts.publish('podinfo', '6.6.0', packChart('podinfo', '6.6.0'));
  await mkdir(path.join(work, 'git'), { recursive: true });
  await commitFiles(path.join(work, 'git'), 'bases', { 'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n', 'base/deployment.yaml': 'kind: Deployment\n' }, 'v1.0');
  git = await startGitDaemon(path.join(work, 'git'));
});

afterAll(async () => {
  await charts?.close();
  await git?.stop();
  await rm(work, { recursive: true, force: true });
});

const repository = (name: string, files: Record<string, string>): Promise<string> => writeTree(path.join(work, name), files);

describe('rampart deps fetch / lock', () => {
  it('fetches a Flux HelmRelease chart and a Kustomize remote base on loopback, each once, and locks their content', async () => {
    const root = await repository('repo-basic', {
      'flux.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: flux-system}
spec:
  url: ${charts.url}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: apps}
spec:
  chart:
    spec:
      chart: podinfo
      version: 6.5.0
      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo2, namespace: apps}
spec:
  chart:
    spec:
      chart: podinfo
      version: 6.5.0
      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}
`,
      'kustomization.yaml': `resources:\n  - git::${git.url}/bases.git//base?ref=v1.0\n`,
    });
    const fetched = await runCli(['deps', 'fetch', root, '--cache-dir', cache, '-q']);
    expect(fetched.stderr).toBe('');
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toMatch(/flux\.yaml:\d+ chart podinfo 6\.5\.0 sha256:[0-9a-f]{64}/);
    expect(fetched.stdout).toMatch(/kustomization\.yaml:2 git git:\/\/.*bases\.git\/\/base v1\.0 [0-9a-f]{40}/);
    expect(charts.hits('/podinfo-6.5.0.tgz')).toBe(1);
    const locked = await runCli(['deps', 'lock', root, '--cache-dir', cache, '-q']);
    expect(locked.code).toBe(0);
    const lock = await readFile(path.join(root, 'rampart.lock'), 'utf8');
    expect(lock).toContain('chart: podinfo');
    expect(lock).toMatch(/sha256: sha256:[0-9a-f]{64}/);
    expect(lock).toMatch(/commit: [0-9a-f]{40}/);
    // from the cache: the archive is not downloaded again
    expect(charts.hits('/podinfo-6.5.0.tgz')).toBe(1);
    const again = await runCli(['deps', 'lock', root, '--cache-dir', cache, '-q']);
    expect(again.code).toBe(0);
    expect(await readFile(path.join(root, 'rampart.lock'), 'utf8')).toBe(lock);
    expect((await readdir(path.join(cache, 'trees'))).some((name) => name.startsWith('git-'))).toBe(true);
  });
});
