import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCrc32Base62Suffix } from '../src/secrets/checksum.js';
import { ALNUM, SampleRandom } from '../src/secrets/random.js';
import { runCli } from './helpers/cli.js';
import { commitFiles, fluxHelmRelease, fluxHelmRepository, packChart, startChartRepository, startGitDaemon, writeTree, type ChartRepository, type GitServer } from './helpers/deps-servers.js';

let work: string;
let charts: ChartRepository;
let git: GitServer;
let cache: string;
const token = `ghp_${withCrc32Base62Suffix(new SampleRandom('deps-analyse').chars(ALNUM, 30))}`;
const DIGEST = `sha256:${'a'.repeat(64)}`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        - name: side
          image: docker.io/library/nginx:1.25
          securityContext:
            privileged: true # rampart-ignore workload-privileged -- a dependency cannot hide its own findings
`;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-deps-analyse-'));
  cache = path.join(work, 'cache');
  charts = await startChartRepository();
  charts.publish('podinfo', '6.5.0', packChart('podinfo', '6.5.0', {
    'values.yaml': 'image:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: 6.5.0\n',
    'templates/deployment.yaml': DEPLOYMENT,
    'templates/rbac.yaml': '{{- if .Values.rbac.create }}\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {{ include "podinfo.fullname" . }}\n  labels:\n    {{- include "podinfo.labels" . | nindent 4 }}\nrules:\n  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n  {{- with .Values.rbac.extraRules }}\n  {{- toYaml . | nindent 2 }}\n  {{- end }}\n{{- end }}\n',
  }));
  charts.publish('redis', '1.2.0', packChart('redis', '1.2.0', { 'templates/secret.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis\ndata:\n  GITHUB_TOKEN: ${token}\n` }));
  charts.publish('umbrella', '0.1.0', packChart('umbrella', '0.1.0', { 'Chart.yaml': `apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: ">=1.0.0"\n    repository: ${charts.url}\n` }));
  await mkdir(path.join(work, 'git'), { recursive: true });
  await commitFiles(path.join(work, 'git'), 'bases', {
    'web/kustomization.yaml': 'resources:\n  - pod.yaml\n',
    'web/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostPID: true\n  containers:\n    - name: web\n      image: nginx@sha256:' + 'b'.repeat(64) + '\n',
  }, 'v1.0');
  git = await startGitDaemon(path.join(work, 'git'));
});

afterAll(async () => {
  await charts?.close();
  await git?.stop();
  await rm(work, { recursive: true, force: true });
});

interface JsonFinding { ruleId: string; message: string; snippet: string; location: { path: string; line: number }; properties?: Record<string, string> }

describe('scan --deps: what dependencies hold', () => {
  it('reports findings inside charts, their own dependencies and remote bases at the repository line that pulls them, in every format', async () => {
    const root = await writeTree(path.join(work, 'repo'), {
      'flux.yaml': `${fluxHelmRepository(charts.url)}${fluxHelmRelease('podinfo', 'podinfo', '6.5.0')}${fluxHelmRelease('umbrella', 'umbrella', '0.1.0')}`,
      'kustomization.yaml': `resources:\n  - git::${git.url}/bases.git//web?ref=v1.0\n`,
    });
    const scanned = await runCli(['scan', root, '--deps', '--cache-dir', cache, '-q', '-f', 'json']);
    expect(scanned.stderr).toBe('');
    const findings = JSON.parse(scanned.stdout).findings as JsonFinding[];
    const inDependencies = findings.filter((finding) => finding.properties?.['dependency']).map((finding) => [finding.ruleId, finding.location.path, finding.location.line, finding.properties?.['dependency']]);
    expect(inDependencies).toEqual([
      ['image-not-pinned', 'flux.yaml', 14, 'HelmRelease/podinfo → chart podinfo 6.5.0 → templates/deployment.yaml:13'],
      ['image-not-pinned', 'flux.yaml', 14, 'HelmRelease/podinfo → chart podinfo 6.5.0 → values.yaml:2'],
      ['rbac-wildcard', 'flux.yaml', 14, 'HelmRelease/podinfo → chart podinfo 6.5.0 → templates/rbac.yaml:10'],
      ['workload-host-namespace', 'flux.yaml', 14, 'HelmRelease/podinfo → chart podinfo 6.5.0 → templates/deployment.yaml:8'],
      ['workload-privileged', 'flux.yaml', 14, 'HelmRelease/podinfo → chart podinfo 6.5.0 → templates/deployment.yaml:15'],
      // the chart server is on loopback: reported, at low severity
      ['dependency-insecure-transport', 'flux.yaml', 24, 'HelmRelease/umbrella → chart umbrella 0.1.0 → Chart.yaml:7'],
      ['helm-dependency-unpinned', 'flux.yaml', 24, 'HelmRelease/umbrella → chart umbrella 0.1.0 → Chart.yaml:6'],
      ['secret-github-token', 'flux.yaml', 24, 'HelmRelease/umbrella → chart umbrella 0.1.0 → Chart.yaml:6 → chart redis 1.2.0 → templates/secret.yaml:6'],
      ['workload-host-namespace', 'kustomization.yaml', 2, `kustomization.yaml resources → git ${git.url}/bases.git//web v1.0 → pod.yaml:6`],
    ]);
    const privileged = findings.find((finding) => finding.ruleId === 'workload-privileged');
    expect(privileged?.message).toMatch(/^chart podinfo 6\.5\.0, templates\/deployment\.yaml:15: /);
    expect(privileged?.snippet).toBe('      version: 6.5.0');
    expect(scanned.stdout).not.toContain(token);
    expect(scanned.stdout).not.toContain('.rampart-literal');
    expect(scanned.code).toBe(1);

    const text = await runCli(['scan', root, '--deps', '--cache-dir', cache, '-q', '--no-color']);
    expect(text.stdout).toContain('in HelmRelease/podinfo → chart podinfo 6.5.0 → templates/deployment.yaml:15');
    expect(text.stdout).not.toContain(token);
    const sarif = JSON.parse((await runCli(['scan', root, '--deps', '--cache-dir', cache, '-q', '-f', 'sarif'])).stdout) as { runs: Array<{ results: Array<{ ruleId: string; properties?: Record<string, string> }> }> };
    expect(sarif.runs[0]?.results.filter((result) => result.properties?.['dependency']?.includes('chart redis 1.2.0')).map((result) => result.ruleId)).toEqual(['secret-github-token']);
    const html = (await runCli(['scan', root, '--deps', '--cache-dir', cache, '-q', '-f', 'html'])).stdout;
    expect(html).toContain('chart podinfo 6.5.0 → templates/deployment.yaml:15');
    expect(html).not.toContain(token);
    // the podinfo chart was downloaded once, however many scans and references
    expect(charts.hits('/podinfo-6.5.0.tgz')).toBe(1);
  });

  it('judges a chart\'s images with the values the repository gives it, over the chart defaults', async () => {
    const pinned = `  values:\n    image:\n      tag: "6.5.0@${DIGEST}"\n`;
    const root = await writeTree(path.join(work, 'values'), {
      'flux.yaml': `${fluxHelmRepository(charts.url)}${fluxHelmRelease('pinned', 'podinfo', '6.5.0', pinned)}${fluxHelmRelease('default', 'podinfo', '6.5.0')}`,
      'argo.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: podinfo, namespace: argocd}
spec:
  source:
    repoURL: ${charts.url}
    chart: podinfo
    targetRevision: 6.5.0
    helm:
      values: |
        image:
          tag: "6.5.0@${DIGEST}"
`,
      'kustomization.yaml': `helmCharts:\n  - name: podinfo\n    repo: ${charts.url}\n    version: 6.5.0\n    valuesInline:\n      image:\n        repository: ghcr.io/acme/podinfo\n`,
    });
    const scanned = await runCli(['scan', root, '--deps', '--cache-dir', cache, '-q', '-f', 'json', '-r', 'image-not-pinned']);
    const findings = JSON.parse(scanned.stdout).findings as JsonFinding[];
    const fromValues = findings.filter((finding) => finding.properties?.['dependency']?.includes('values.yaml')).map((finding) => [finding.location.path, finding.location.line, finding.properties?.['dependency']]);
    expect(fromValues).toEqual([
      ['flux.yaml', 27, 'HelmRelease/default → chart podinfo 6.5.0 → values.yaml:2'],
      // valuesInline sets the repository: the scan of kustomization.yaml itself judges it, not once more here
    ]);
    expect(findings.some((finding) => finding.location.path === 'kustomization.yaml' && !finding.properties?.['dependency'] && finding.message.includes('ghcr.io/acme/podinfo'))).toBe(true);
  });
});
