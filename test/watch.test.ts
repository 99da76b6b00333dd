import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { runWatch } from '../src/watch/run.js';
import { PROJECT, rampart } from './cli-run.js';
import {
  ADMIN, ARGOCD_CONTROLLER, FLUX_LABELS, HELM_CONTROLLER, KUSTOMIZE_CONTROLLER, argocdTracking, auditEvent, auditRequest, deployment, jsonLines,
} from './helpers/audit-events.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-watch-'));
let counter = 0;
function logFile(lines: string): string {
  counter += 1;
  const file = path.join(dir, `audit-${counter}.log`);
  writeFileSync(file, lines);
  return file;
}

const web = deployment('web', 'shop', { labels: FLUX_LABELS });
const webPatch = { spec: { template: { spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:debug' }] } } } };
const deploymentRef = { resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web' };

describe('rampart watch: deploy-unmanaged-change from audit logs', () => {
  it('reports a person patching a Flux-managed Deployment, at the line of the completed request', async () => {
    const file = logFile(jsonLines([
      ...auditRequest({ verb: 'patch', user: KUSTOMIZE_CONTROLLER, ...deploymentRef, requestObject: webPatch, responseObject: web, query: 'fieldManager=kustomize-controller&force=true' }),
      ...auditRequest({ verb: 'patch', user: ADMIN, ...deploymentRef, requestObject: webPatch, responseObject: web, query: 'fieldManager=kubectl-patch' }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file] });
    expect(report.findings.map((finding) => [finding.ruleId, finding.location.path, finding.location.line])).toEqual([['deploy-unmanaged-change', file, 4]]);
    const [finding] = report.findings;
    expect(finding?.message).toBe('apps/deployments shop/web (Kustomization flux-system/apps, applied by Flux kustomize-controller) was changed by kubernetes-admin with patch: a change Git did not ask for.');
    expect(finding?.properties).toMatchObject({ user: ADMIN, verb: 'patch', evidence: 'kustomize.toolkit.fluxcd.io/name: apps', userAgent: expect.stringContaining('kubectl/') });
    expect(finding?.severity).toBe('high');
  });

  it('reports Argo CD tracked objects created and deleted by others, and remembers what it saw for Metadata-level deletes', async () => {
    const tracked = deployment('api', 'shop', { annotations: argocdTracking('shop', 'apps', 'Deployment', 'shop', 'api') });
    const service = { kind: 'Service', apiVersion: 'v1', metadata: { name: 'api', namespace: 'shop', annotations: argocdTracking('argocd_shop', '', 'Service', 'shop', 'api') }, spec: { ports: [{ port: 80 }] } };
    const file = logFile(jsonLines([
      auditEvent({ verb: 'create', user: ARGOCD_CONTROLLER, resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'api', requestObject: tracked, responseObject: tracked }),
      auditEvent({ verb: 'delete', user: 'jane@example.com', resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'api', level: 'Metadata' }),
      auditEvent({ verb: 'create', user: 'system:serviceaccount:ci:deployer', resource: 'services', namespace: 'shop', name: 'api', level: 'Request', requestObject: service }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file] });
    expect(report.findings.map((finding) => finding.message)).toEqual([
      'apps/deployments shop/api (Application shop, applied by Argo CD) was deleted by jane@example.com, not by its controller.',
      'services shop/api was created by system:serviceaccount:ci:deployer, not by Argo CD: it carries the marks of Application argocd/shop but Git did not apply it.',
    ]);
  });

  it('stays quiet on what is not a change of a managed object', async () => {
    const pod = {
      kind: 'Pod', apiVersion: 'v1',
      metadata: { name: 'web-7d9f-abcde', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'shop' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', uid: 'x', controller: true, blockOwnerDeletion: true }] },
      spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.0.0' }] },
    };
    const reconcile = { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': '2026-01-02T03:04:05Z' } } };
    const file = logFile(jsonLines([
      auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, query: 'dryRun=All&fieldManager=kubectl-client-side-apply', responseObject: web }),
      auditEvent({ verb: 'patch', user: 'jane@example.com', ...deploymentRef, code: 403, requestObject: webPatch }),
      auditEvent({ verb: 'update', user: ADMIN, ...deploymentRef, subresource: 'status', responseObject: web }),
      auditEvent({ verb: 'create', user: 'system:serviceaccount:kube-system:replicaset-controller', resource: 'pods', namespace: 'shop', name: pod.metadata.name, requestObject: pod, responseObject: pod }),
      auditEvent({ verb: 'delete', user: ADMIN, resource: 'pods', namespace: 'shop', name: pod.metadata.name, responseObject: pod }),
      auditEvent({ verb: 'patch', user: ADMIN, resource: 'kustomizations', apiGroup: 'kustomize.toolkit.fluxcd.io', apiVersion: 'v1', namespace: 'flux-system', name: 'apps', requestObject: reconcile, responseObject: { kind: 'Kustomization', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', metadata: { name: 'apps', namespace: 'flux-system', labels: { 'kustomize.toolkit.fluxcd.io/name': 'flux-system', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } } } }),
      auditEvent({ verb: 'get', user: ADMIN, ...deploymentRef, responseObject: web }),
      auditEvent({ verb: 'patch', user: ADMIN, resource: 'configmaps', namespace: 'shop', name: 'plain', responseObject: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'plain', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'shop' } } } }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file] });
    expect(report.findings).toEqual([]);
    expect(report.diagnostics).toEqual([]);
  });

  it('counts the instance label as Argo CD tracking with --argocd-tracking label', async () => {
    const configMap = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'plain', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'shop' } } };
    // pods inherit the label from their template: another object controls them, so the label does not make them Argo CD's
    const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web-7d9f-abcde', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'shop' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', uid: 'x', controller: true }] } };
    const file = logFile(jsonLines([
      auditEvent({ verb: 'delete', user: ADMIN, resource: 'pods', namespace: 'shop', name: pod.metadata.name, responseObject: pod }),
      auditEvent({ verb: 'patch', user: ADMIN, resource: 'configmaps', namespace: 'shop', name: 'plain', responseObject: configMap }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file], argocdLabelTracking: true });
    expect(report.findings.map((finding) => finding.properties?.['evidence'])).toEqual(['app.kubernetes.io/instance: shop']);
  });

  it('reports a person impersonating the controller, and accepts controllers named on the command line', async () => {
    const file = logFile(jsonLines([
      auditEvent({ verb: 'patch', user: ADMIN, impersonate: KUSTOMIZE_CONTROLLER, ...deploymentRef, responseObject: web }),
      auditEvent({ verb: 'patch', user: 'system:serviceaccount:gitops:kustomize-controller', ...deploymentRef, responseObject: web }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file], controllers: { 'flux-kustomize': ['system:serviceaccount:gitops:kustomize-controller'] } });
    expect(report.findings.map((finding) => finding.snippet)).toEqual([`patch apps/deployments shop/web by ${ADMIN} (as ${KUSTOMIZE_CONTROLLER})`]);
  });

  it('says what it could not judge at Metadata and Request level instead of guessing', async () => {
    const file = logFile(jsonLines([
      auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, level: 'Metadata' }),
      auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, name: 'other', level: 'Request', requestObject: webPatch }),
      auditEvent({ verb: 'patch', user: KUSTOMIZE_CONTROLLER, ...deploymentRef, name: 'third', level: 'Metadata' }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file] });
    expect(report.findings).toEqual([]);
    expect(report.diagnostics.map((diagnostic) => [diagnostic.kind, diagnostic.message])).toEqual([
      ['note', expect.stringMatching(/^deploy-unmanaged-change: 1 event could not be judged: the audit policy logged the change at Metadata level.*\(apps\/deployments patch ×1\)$/)],
      ['note', expect.stringMatching(/^deploy-unmanaged-change: 1 event could not be judged: the audit policy logged the patch at Request level/)],
    ]);
  });

  it('counts bad lines with file:line and goes on', async () => {
    const good = JSON.stringify(auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, responseObject: web }));
    const file = logFile([
      'not json at all',
      good.slice(0, 80),
      JSON.stringify({ ...auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef }), apiVersion: 'audit.k8s.io/v1beta1' }),
      JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata' }),
      '',
      '[1,2]',
      good,
    ].join('\n'));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file] });
    expect(report.findings.map((finding) => finding.location.line)).toEqual([7]);
    expect(report.diagnostics.map((diagnostic) => `${diagnostic.kind} ${diagnostic.line}: ${diagnostic.message}`)).toEqual([
      expect.stringMatching(/^skipped 1: not a record, skipped: not JSON/),
      expect.stringMatching(/^skipped 2: not a record, skipped: not JSON/),
      'skipped 3: not a record, skipped: apiVersion "audit.k8s.io/v1beta1" is not audit.k8s.io/v1',
      'skipped 4: not a record, skipped: user is missing',
      'skipped 6: not a record, skipped: not a JSON object',
    ]);
  });

  it('reads EventList bodies (what the webhook backend posts) as well as Event lines', async () => {
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, responseObject: web }), { kind: 'Event' }] };
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [logFile(`${JSON.stringify(list)}\n`)] });
    expect(report.findings).toHaveLength(1);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([expect.stringMatching(/^not a record, skipped: items\[1\]: level is missing/)]);
  });

  it('runs from the built CLI: report formats, exit codes, standard input, clear errors', async () => {
    const file = logFile(jsonLines(auditRequest({ verb: 'patch', user: ADMIN, ...deploymentRef, responseObject: web })));
    const json = await rampart(['watch', '--audit-log', file, '-f', 'json']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { findings: Array<{ ruleId: string; location: { line: number } }> };
    expect(parsed.findings.map((finding) => [finding.ruleId, finding.location.line])).toEqual([['deploy-unmanaged-change', 2]]);
    const sarif = await rampart(['watch', '--audit-log', file, '-f', 'sarif', '--fail-on', 'none']);
    expect(sarif.code).toBe(0);
    expect(sarif.stdout).toContain('"ruleId": "deploy-unmanaged-change"');
    const missing = await rampart(['watch', '--audit-log', path.join(dir, 'absent.log')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^rampart: cannot read .*absent\.log: no such file\n$/);
    const none = await rampart(['watch']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nothing to watch');
  });
});

describe('rampart watch: operator-anomalous-access', () => {
  it('reports a controller identity exec-ing into pods, minting tokens and reading Secrets outside its namespaces', async () => {
    const file = logFile(jsonLines([
      auditEvent({ verb: 'create', user: ARGOCD_CONTROLLER, resource: 'pods', namespace: 'payments', name: 'api-0', subresource: 'exec', level: 'Metadata', code: 101, query: 'command=sh&stdin=true&tty=true', userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc' }),
      auditEvent({ verb: 'create', user: KUSTOMIZE_CONTROLLER, resource: 'serviceaccounts', namespace: 'kube-system', name: 'default', subresource: 'token', level: 'Metadata', code: 403 }),
      auditEvent({ verb: 'get', user: KUSTOMIZE_CONTROLLER, resource: 'secrets', namespace: 'payments', name: 'db-credentials', level: 'Metadata' }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file] });
    expect(report.findings.map((finding) => [finding.ruleId, finding.severity, finding.location.line, finding.message])).toEqual([
      ['operator-anomalous-access', 'critical', 1, `${ARGOCD_CONTROLLER} (Argo CD) ran a command in a pod (exec): pods/exec payments/api-0. Applying Git never needs this.`],
      ['operator-anomalous-access', 'critical', 2, `${KUSTOMIZE_CONTROLLER} (Flux kustomize-controller) was refused (403) when it asked for a token of another service account: serviceaccounts/token kube-system/default. Applying Git never needs this.`],
      ['operator-anomalous-access', 'critical', 3, `${KUSTOMIZE_CONTROLLER} (Flux kustomize-controller) read a Secret outside flux-system: secrets payments/db-credentials. Applying Git never needs this.`],
    ]);
  });

  it('stays quiet on what controllers do: their own Secrets, Helm release Secrets, tenants\' decryption keys, watches, people exec-ing', async () => {
    const file = logFile(jsonLines([
      auditEvent({ verb: 'get', user: KUSTOMIZE_CONTROLLER, resource: 'secrets', namespace: 'flux-system', name: 'sops-age', level: 'Metadata' }),
      auditEvent({ verb: 'get', user: HELM_CONTROLLER, resource: 'secrets', namespace: 'payments', name: 'sh.helm.release.v1.api.v4', level: 'Metadata' }),
      auditEvent({ verb: 'get', user: KUSTOMIZE_CONTROLLER, resource: 'kustomizations', apiGroup: 'kustomize.toolkit.fluxcd.io', namespace: 'team-a', name: 'apps', level: 'Metadata' }),
      auditEvent({ verb: 'get', user: KUSTOMIZE_CONTROLLER, resource: 'secrets', namespace: 'team-a', name: 'sops-age', level: 'Metadata' }),
      auditEvent({ verb: 'get', user: KUSTOMIZE_CONTROLLER, resource: 'secrets', namespace: 'shared', name: 'values', level: 'Metadata' }),
      auditEvent({ verb: 'watch', user: ARGOCD_CONTROLLER, resource: 'secrets', level: 'Metadata' }),
      auditEvent({ verb: 'create', user: ADMIN, resource: 'pods', namespace: 'payments', name: 'api-0', subresource: 'exec', level: 'Metadata', code: 101 }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file], secretNamespaces: ['shared'] });
    expect(report.findings).toEqual([]);
  });
});

/** The built CLI with a pipe on standard input, for --follow. */
function spawnRampart(args: readonly string[]): { child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [path.join(PROJECT, 'bin', 'rampart.js'), ...args], { cwd: PROJECT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

describe('rampart watch --follow', () => {
  it('streams findings from standard input as JSON lines and reports bad lines with their number', async () => {
    const { child, done } = spawnRampart(['watch', '--follow', '--audit-log', '-']);
    child.stdin?.write(`${JSON.stringify(auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, responseObject: web }))}\n`);
    child.stdin?.write('{"truncated":\n');
    child.stdin?.end(`${JSON.stringify(auditEvent({ verb: 'delete', user: ADMIN, ...deploymentRef, level: 'Metadata' }))}\n`);
    const result = await done;
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { ruleId: string; location: { path: string; line: number } });
    expect(lines.map((finding) => [finding.ruleId, finding.location.path, finding.location.line])).toEqual([
      ['deploy-unmanaged-change', '<stdin>', 1],
      ['deploy-unmanaged-change', '<stdin>', 3],
    ]);
    expect(result.stderr).toContain('"msg":"not a record, skipped","path":"<stdin>","line":2');
    expect(result.stderr).toContain('"msg":"watch ended","records":3,"auditEvents":2,"badRecords":1,"findings":2');
  });

  it('follows a growing file and exits 1 at the first finding at or above --fail-on', async () => {
    const file = logFile(jsonLines([auditEvent({ verb: 'patch', user: KUSTOMIZE_CONTROLLER, ...deploymentRef, responseObject: web })]));
    const { child, done } = spawnRampart(['watch', '--follow', '--fail-on', 'high', '--audit-log', file]);
    child.stdin?.end();
    await new Promise((resolve) => setTimeout(resolve, 700));
    const partial = JSON.stringify(auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, responseObject: web }));
    appendFileSync(file, partial.slice(0, 100));
    await new Promise((resolve) => setTimeout(resolve, 300));
    appendFileSync(file, `${partial.slice(100)}\n`);
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { location: { line: number } }).location.line)).toEqual([2]);
  });
});

describe('rampart watch: deploy-source-changed', () => {
  const app = (targetRevision: string, path = 'apps/shop'): Record<string, unknown> => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
    metadata: { name: 'shop', namespace: 'argocd', annotations: argocdTracking('root', 'argoproj.io', 'Application', 'argocd', 'shop') },
    spec: { project: 'shop', source: { repoURL: 'https://github.com/acme/deploy.git', path, targetRevision }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } },
    status: { sync: { status: 'Synced' } },
  });
  const appRef = { resource: 'applications', apiGroup: 'argoproj.io', apiVersion: 'v1alpha1', namespace: 'argocd', name: 'shop' };
  const ARGOCD_SERVER = 'system:serviceaccount:argocd:argocd-server';

  it('reports an Application pointed elsewhere from the UI and a GitRepository branch patched by hand, naming what changed', async () => {
    const repo = (branch: string): Record<string, unknown> => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { interval: '1m', url: 'ssh://git@github.com/acme/fleet', ref: { branch } } });
    const repoRef = { resource: 'gitrepositories', apiGroup: 'source.toolkit.fluxcd.io', namespace: 'flux-system', name: 'flux-system' };
    const file = logFile(jsonLines([
      auditEvent({ verb: 'create', user: ARGOCD_CONTROLLER, ...appRef, responseObject: app('main') }),
      auditEvent({ verb: 'update', user: ARGOCD_CONTROLLER, ...appRef, responseObject: app('main') }),
      auditEvent({ verb: 'update', user: ARGOCD_SERVER, ...appRef, requestObject: app('hotfix', 'apps/debug'), responseObject: app('hotfix', 'apps/debug') }),
      auditEvent({ verb: 'patch', user: ADMIN, ...repoRef, level: 'Request', requestObject: { spec: { ref: { branch: 'experiment' } } } }),
      auditEvent({ verb: 'patch', user: KUSTOMIZE_CONTROLLER, ...repoRef, responseObject: repo('main') }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file] });
    expect(report.findings.filter((finding) => finding.ruleId === 'deploy-source-changed').map((finding) => [finding.location.line, finding.message])).toEqual([
      [3, `argoproj.io/applications argocd/shop now deploys from elsewhere, changed by ${ARGOCD_SERVER} outside Git: source.path: apps/shop → apps/debug; source.targetRevision: main → hotfix.`],
      [4, `source.toolkit.fluxcd.io/gitrepositories flux-system/flux-system now deploys from elsewhere, changed by ${ADMIN} outside Git: ref.branch: → experiment.`],
    ]);
  });

  it('stays quiet on syncs, refreshes, status, the controllers and other fields, and counts Metadata-level edits it cannot read', async () => {
    const synced = { ...app('main'), operation: { sync: { revision: 'abc' }, initiatedBy: { username: 'jane' } } };
    const file = logFile(jsonLines([
      auditEvent({ verb: 'update', user: ARGOCD_CONTROLLER, ...appRef, responseObject: app('main') }),
      auditEvent({ verb: 'update', user: ARGOCD_SERVER, ...appRef, requestObject: synced, responseObject: synced }),
      auditEvent({ verb: 'patch', user: ARGOCD_SERVER, ...appRef, level: 'Request', requestObject: { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'hard' } } } }),
      auditEvent({ verb: 'patch', user: 'system:serviceaccount:argocd:argocd-applicationset-controller', ...appRef, responseObject: app('v2') }),
      auditEvent({ verb: 'patch', user: ADMIN, ...appRef, level: 'Metadata' }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file] });
    expect(report.findings.filter((finding) => finding.ruleId === 'deploy-source-changed')).toEqual([]);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message)).toContain('deploy-source-changed: 1 event could not be judged: the audit policy logged the change at Metadata level, so what changed in the spec is unknown (applications patch ×1)');
  });
});
