import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { commitFiles, fluxHelmRelease, fluxHelmRepository, packChart, startChartRepository, startGitDaemon, writeTree, type ChartRepository, type GitServer } from './helpers/deps-servers.js';

/** Values given to fetched charts from every place controllers take them, in their order of precedence. */

let work: string;
let charts: ChartRepository;
let git: GitServer;
let cache: string;
const PINNED = `sha256:${'a'.repeat(64)}`;

const WEB_VALUES = `image:
  repository: ghcr.io/acme/web
  tag: "1.0.0@${PINNED}"
sidecar:
  image: docker.io/library/busybox@${PINNED}
extraContainers:
  - name: cache
    image: docker.io/library/redis@${PINNED}
`;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-deps-values-'));
  cache = path.join(work, 'cache');
  charts = await startChartRepository();
  charts.publish('web', '1.0.0', packChart('web', '1.0.0', {
    'values.yaml': WEB_VALUES,
    'values-prod.yaml': 'sidecar:\n  image: docker.io/library/busybox:1.36\n',
  }));
  charts.publish('sub', '1.0.0', packChart('sub', '1.0.0', { 'values.yaml': 'image: docker.io/library/redis:7\n' }));
  charts.publish('umbrella', '1.0.0', packChart('umbrella', '1.0.0', {
    'Chart.yaml': `apiVersion: v2\nname: umbrella\nversion: 1.0.0\ndependencies:\n  - name: sub\n    version: 1.0.0\n    repository: ${charts.url}\n  - name: sub\n    alias: cache\n    version: 1.0.0\n    repository: ${charts.url}\n`,
    'values.yaml': `cache:\n  image: docker.io/library/redis@${PINNED}\n`,
  }));
  await mkdir(path.join(work, 'git'), { recursive: true });
  await commitFiles(path.join(work, 'git'), 'config', { 'envs/prod.yaml': 'image:\n  tag: "2.0"\n' }, 'v1');
  git = await startGitDaemon(path.join(work, 'git'));
});

afterAll(async () => {
  await charts?.close();
  await git?.stop();
  await rm(work, { recursive: true, force: true });
});

interface JsonFinding { ruleId: string; location: { path: string; line: number }; properties?: Record<string, string> }
interface JsonReport { findings: JsonFinding[]; diagnostics: Array<{ path: string; message: string; kind: string }> }

/** image-not-pinned findings inside dependencies, as `file → dependency chain`. */
async function dependencyImages(root: string): Promise<{ findings: string[]; report: JsonReport }> {
  const scanned = await runCli(['scan', root, '--deps', '--cache-dir', cache, '-q', '-f', 'json', '-r', 'image-not-pinned', '--fail-on', 'none']);
  expect(scanned.stderr).toBe('');
  const report = JSON.parse(scanned.stdout) as JsonReport;
  // the chart's own values-prod.yaml is a file of the chart and judged as one: only what values.yaml becomes is looked at here
  const findings = report.findings.filter((finding) => / → values\.yaml:/.test(finding.properties?.['dependency'] ?? '')).map((finding) => `${finding.location.path} ${finding.properties?.['dependency']}`);
  return { findings, report };
}

const release = (name: string, valuesFrom: string, values = ''): string => fluxHelmRelease(name, 'web', '1.0.0', `  valuesFrom:\n${valuesFrom}${values}`).replace('---\n', '');

describe('scan --deps: the values a chart is installed with', () => {
  it('applies Flux valuesFrom ConfigMaps and Secrets in order (valuesKey, targetPath, optional), then spec.values over them', async () => {
    const root = await writeTree(path.join(work, 'flux'), {
      'repository.yaml': fluxHelmRepository(charts.url),
      'values.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-values, namespace: apps}\ndata:\n  values.yaml: |\n    image:\n      tag: "1.0.1"\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: web-secret, namespace: apps}\ndata:\n  pin.yaml: ${Buffer.from(`image:\n  tag: "1.0.1@${PINNED}"\n`).toString('base64')}\n  side: ${Buffer.from('docker.io/library/busybox:1.36').toString('base64')}\n`,
      'kustomization.yaml': 'namespace: apps\nresources: [values.yaml]\nconfigMapGenerator:\n  - name: generated\n    files:\n      - values.yaml=./generated-values.yaml\nsecretGenerator:\n  - name: sealed\n    files:\n      - values.yaml=values.sops.yaml\n',
      'values.sops.yaml': 'image:\n  tag: ENC[AES256_GCM,data:8nF2,iv:x,tag:y,type:str]\nsops:\n  age:\n    - recipient: age1example\n  lastmodified: "2024-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:z,type:str]\n',
      'generated-values.yaml': 'sidecar:\n  image: docker.io/library/busybox:1.37\n',
      'a.yaml': release('a', '    - kind: ConfigMap\n      name: web-values\n'),
      'b.yaml': release('b', '    - kind: ConfigMap\n      name: web-values\n', `  values:\n    image:\n      tag: "1.0.2@${PINNED}"\n`),
      'c.yaml': release('c', '    - kind: ConfigMap\n      name: web-values\n    - kind: Secret\n      name: web-secret\n      valuesKey: pin.yaml\n'),
      'd.yaml': release('d', '    - kind: Secret\n      name: web-secret\n      valuesKey: side\n      targetPath: sidecar.image\n'),
      'e.yaml': release('e', '    - kind: ConfigMap\n      name: elsewhere\n      optional: true\n    - kind: Secret\n      name: made-by-external-secrets\n    - kind: Secret\n      name: sealed\n    - kind: ConfigMap\n      name: web-values\n      valuesKey: other.yaml\n'),
      'f.yaml': release('f', '    - kind: ConfigMap\n      name: generated\n'),
    });
    const { findings, report } = await dependencyImages(root);
    expect(findings).toEqual([
      'a.yaml HelmRelease/a → chart web 1.0.0 → values.yaml:2 (with the repository\'s values)',
      'd.yaml HelmRelease/d → chart web 1.0.0 → values.yaml:5 (with the repository\'s values)',
      'f.yaml HelmRelease/f → chart web 1.0.0 → values.yaml:5 (with the repository\'s values)',
    ]);
    const notes = report.diagnostics.filter((diagnostic) => diagnostic.kind === 'note' && diagnostic.message.includes('valuesFrom'));
    expect(notes.map((note) => [note.path, note.message])).toEqual([
      ['e.yaml', 'HelmRelease/e → chart web 1.0.0: valuesFrom Secret/made-by-external-secrets is not in the repository (made elsewhere?), so the chart is judged without those values'],
      ['e.yaml', 'HelmRelease/e → chart web 1.0.0: valuesFrom Secret/sealed is encrypted in the repository (SOPS), so the chart is judged without those values'],
      ['e.yaml', 'HelmRelease/e → chart web 1.0.0: valuesFrom ConfigMap/web-values has no key other.yaml in the repository, so the chart is judged without it'],
    ]);
  });

  it('applies Argo CD valueFiles (in the chart, or $ref in another source), then valuesObject, then parameters', async () => {
    const application = (name: string, helm: string, extraSources = ''): string => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ${name}, namespace: argocd}
spec:
  project: default
  sources:
    - repoURL: ${charts.url}
      chart: web
      targetRevision: 1.0.0
      helm:
${helm}${extraSources}`;
    const root = await writeTree(path.join(work, 'argo'), {
      'a.yaml': application('a', '        valueFiles: [values-prod.yaml]\n'),
      'b.yaml': application('b', `        valueFiles: [values-prod.yaml]\n        valuesObject:\n          sidecar:\n            image: docker.io/library/busybox@${PINNED}\n`),
      'c.yaml': application('c', `        valueFiles: [values-prod.yaml]\n        valuesObject:\n          sidecar:\n            image: docker.io/library/busybox:1.0\n        parameters:\n          - name: sidecar.image\n            value: docker.io/library/busybox@${PINNED}\n`),
      'd.yaml': application('d', '        parameters:\n          - name: extraContainers[0].image\n            value: docker.io/library/redis:7\n'),
      'e.yaml': application('e', '        valueFiles:\n          - $config/envs/prod.yaml\n', `    - repoURL: ${git.url}/config.git\n      targetRevision: v1\n      ref: config\n`),
      'f.yaml': application('f', '        valueFiles: [values-missing.yaml]\n'),
      'g.yaml': application('g', '        ignoreMissingValueFiles: true\n        valueFiles: [values-missing.yaml]\n'),
    });
    const { findings, report } = await dependencyImages(root);
    expect(findings).toEqual([
      'a.yaml Application/a sources[0] → chart web 1.0.0 → values.yaml:5 (with the repository\'s values)',
      'd.yaml Application/d sources[0] → chart web 1.0.0 → values.yaml:7 (with the repository\'s values)',
      'e.yaml Application/e sources[0] → chart web 1.0.0 → values.yaml:2 (with the repository\'s values)',
    ]);
    const notes = report.diagnostics.filter((diagnostic) => diagnostic.kind === 'note' && diagnostic.message.includes('valueFiles'));
    expect(notes.map((note) => [note.path, note.message])).toEqual([
      ['f.yaml', 'Application/f sources[0] → chart web 1.0.0: valueFiles values-missing.yaml is not there (Argo CD would refuse to render), so the chart is judged without it'],
    ]);
  });

  it('gives subcharts their parent\'s values under their name or alias, from a chart in the repository and from a fetched umbrella chart', async () => {
    const root = await writeTree(path.join(work, 'umbrella'), {
      'charts/app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 1.0.0\n    repository: ${charts.url}\n`,
      'charts/app/values.yaml': `sub:\n  image: docker.io/library/redis@${PINNED}\n`,
      'flux.yaml': `${fluxHelmRepository(charts.url)}${fluxHelmRelease('umbrella', 'umbrella', '1.0.0')}`,
    });
    const { findings } = await dependencyImages(root);
    expect(findings).toEqual([
      'flux.yaml HelmRelease/umbrella → chart umbrella 1.0.0 → Chart.yaml:6 → chart sub 1.0.0 → values.yaml:1',
    ]);
  });
});
