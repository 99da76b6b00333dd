import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmissionServer } from '../src/admission/server.js';
import { parseLabelSelector } from '../src/admission/label-selector.js';
import { counter, post, startTestWebhook, type TestWebhook } from './helpers/admission-server.js';
import { loopbackCertificate } from './helpers/tls.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** An AdmissionReview as kube-apiserver sends it to a v1 webhook. */
function review(object: Record<string, any> | null, options: { operation?: string; group?: string; version?: string; resource?: string; dryRun?: boolean; oldObject?: Record<string, any> | null; kind?: string; namespace?: string; name?: string } = {}): string {
  const kind = options.kind ?? object?.['kind'];
  const group = options.group ?? '';
  const version = options.version ?? 'v1';
  const resource = options.resource ?? `${String(kind).toLowerCase()}s`;
  const namespace = options.namespace ?? object?.['metadata']?.['namespace'];
  const operation = options.operation ?? 'CREATE';
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `705ab4f5-6393-11e8-b7cc-${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}`,
      kind: { group, version, kind },
      resource: { group, version, resource },
      requestKind: { group, version, kind },
      requestResource: { group, version, resource },
      name: options.name ?? object?.['metadata']?.['name'],
      ...(namespace ? { namespace } : {}),
      operation,
      userInfo: { username: 'admin', uid: '014fbff9a07c', groups: ['system:authenticated', 'my-admin-group'] },
      object,
      oldObject: options.oldObject ?? null,
      dryRun: options.dryRun ?? false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: operation === 'DELETE' ? 'DeleteOptions' : operation === 'UPDATE' ? 'UpdateOptions' : 'CreateOptions' },
    },
  });
}

const metadata = (name: string, namespace?: string) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: '4b54ef9c-1b8f-4c2e-9d2b-1f1f3a2b0c11',
  creationTimestamp: '2026-12-03T08:00:00Z',
  managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }],
});

const unpinnedPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: metadata('web', 'shop'),
  spec: { containers: [{ name: 'web', image: 'nginx:1.25', resources: {} }], restartPolicy: 'Always' },
  status: { phase: 'Pending' },
};

const pinnedDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: metadata('api', 'shop'),
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'api' } },
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: `ghcr.io/acme/api:1.4.2@${DIGEST}` }] } },
  },
};

describe('rampart serve admission', () => {
  let server: AdmissionServer;
  let ca: string;
  let directory: string;
  const logs: Array<Record<string, unknown>> = [];

  let webhook: TestWebhook;

  beforeAll(async () => {
    webhook = await startTestWebhook({ log: (entry) => logs.push(entry) });
    ({ server, ca, directory } = webhook);
  });

  afterAll(async () => webhook?.stop());

  it('denies a Pod with an unpinned image, naming the rule and the fix', async () => {
    const reply = await post(server.port, ca, review(unpinnedPod));
    expect(reply.status).toBe(200);
    const body = reply.json();
    expect(body.apiVersion).toBe('admission.k8s.io/v1');
    expect(body.kind).toBe('AdmissionReview');
    expect(body.response.allowed).toBe(false);
    expect(body.response.status.code).toBe(403);
    expect(body.response.status.message).toContain('image-not-pinned');
    expect(body.response.status.message).toContain('nginx:1.25');
    expect(body.response.status.message).toContain('Fix:');
    expect(body.response.patch).toBeUndefined();
    expect(body.response.auditAnnotations).toEqual({ denied: 'image-not-pinned' });
  });

  it('echoes the request uid', async () => {
    const sent = review(unpinnedPod);
    const reply = await post(server.port, ca, sent);
    expect(reply.json().response.uid).toBe(JSON.parse(sent).request.uid);
  });

  it('allows a Deployment pinned by digest, with no warnings', async () => {
    const reply = await post(server.port, ca, review(pinnedDeployment, { group: 'apps', resource: 'deployments' }));
    expect(reply.status).toBe(200);
    expect(reply.json().response).toMatchObject({ allowed: true });
    expect(reply.json().response.warnings).toBeUndefined();
  });

  it('denies a ClusterRoleBinding to cluster-admin; a RoleBinding to it (one namespace, medium as in scan) is a warning', async () => {
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' };
    const subjects = [{ kind: 'ServiceAccount', name: 'ops', namespace: 'shop' }];
    const clusterBinding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: metadata('ops-admin'), roleRef, subjects };
    const cluster = await post(server.port, ca, review(clusterBinding, { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' }));
    expect(cluster.json().response.allowed).toBe(false);
    expect(cluster.json().response.status.message).toContain('rbac-cluster-admin-binding');
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: metadata('ops-admin', 'shop'), roleRef, subjects };
    const namespaced = await post(server.port, ca, review(binding, { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' }));
    expect(namespaced.json().response.allowed).toBe(true);
    expect(namespaced.json().response.warnings.join('\n')).toMatch(/rbac-cluster-admin-binding \(medium\): .*namespace shop/);
  });

  it('allows an Argo CD Application with medium findings, listing them as warnings', async () => {
    const application = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: metadata('guestbook', 'argocd'),
      spec: {
        project: 'default',
        source: { repoURL: 'https://github.com/argoproj/argocd-example-apps.git', targetRevision: 'HEAD', path: 'guestbook' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
      },
    };
    const reply = await post(server.port, ca, review(application, { group: 'argoproj.io', version: 'v1alpha1', resource: 'applications' }));
    const response = reply.json().response;
    expect(response.allowed).toBe(true);
    expect(response.warnings.join('\n')).toContain('argocd-app-default-project');
    expect(response.warnings.join('\n')).toContain('argocd-app-unpinned-revision');
    expect(response.auditAnnotations.warned.split(',').sort()).toEqual(['argocd-app-default-project', 'argocd-app-unpinned-revision']);
  });

  it('judges the new object of an UPDATE, not the old one, and a dry run the same way', async () => {
    const reply = await post(server.port, ca, review(pinnedDeployment, { group: 'apps', resource: 'deployments', operation: 'UPDATE', oldObject: unpinnedPod }));
    expect(reply.json().response.allowed).toBe(true);
    const dry = await post(server.port, ca, review(unpinnedPod, { dryRun: true }));
    expect(dry.json().response.allowed).toBe(false);
  });

  it('allows DELETE without judging, and skips excluded namespaces', async () => {
    const deleted = await post(server.port, ca, review(null, { operation: 'DELETE', kind: 'Pod', namespace: 'shop', name: 'web', oldObject: unpinnedPod }));
    expect(deleted.json().response).toEqual({ uid: expect.any(String), allowed: true });
    const system = await post(server.port, ca, review({ ...unpinnedPod, metadata: metadata('coredns', 'kube-system') }));
    expect(system.json().response.allowed).toBe(true);
    expect(logs.find((entry) => entry['name'] === 'coredns')).toMatchObject({ result: 'skipped', skipped: 'namespace kube-system excluded' });
  });

  it('does not deny Secrets for being plain: in the cluster every Secret is', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: metadata('db', 'shop'), type: 'Opaque', data: { password: Buffer.from('hunter2-but-longer-Xq9').toString('base64') } };
    const reply = await post(server.port, ca, review(secret));
    expect(reply.json().response.allowed).toBe(true);
  });

  it('answers bad bodies with a clear 400 and keeps serving', async () => {
    const malformed = await post(server.port, ca, '{"apiVersion": "admission.k8s.io/v1", "kind": ');
    expect(malformed.status).toBe(400);
    expect(malformed.json().error).toMatch(/not JSON/);
    const v1beta1 = await post(server.port, ca, review(unpinnedPod).replace('admission.k8s.io/v1', 'admission.k8s.io/v1beta1'));
    expect(v1beta1.status).toBe(400);
    expect(v1beta1.json().error).toContain('admissionReviewVersions');
    const noRequest = await post(server.port, ca, JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }));
    expect(noRequest.status).toBe(400);
    const array = await post(server.port, ca, '[]');
    expect(array.status).toBe(400);
    const huge = await post(server.port, ca, Buffer.alloc(4 * 1024 * 1024, 0x20));
    expect(huge.status).toBe(413);
    expect(huge.json().error).toContain('larger than');
    const after = await post(server.port, ca, review(pinnedDeployment, { group: 'apps' }));
    expect(after.json().response.allowed).toBe(true);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await post(server.port, ca, '', '/healthz', 'GET')).status).toBe(200);
    expect((await post(server.port, ca, '', '/readyz', 'GET')).status).toBe(200);
    const before = await post(server.port, ca, '', '/metrics', 'GET');
    const denied = counter(before.body, 'rampart_admission_decisions_total{result="denied"}');
    const byRule = counter(before.body, 'rampart_admission_rule_findings_total{rule="image-not-pinned",action="deny"}');
    const histogram = counter(before.body, 'rampart_admission_duration_seconds_count');
    await post(server.port, ca, review(unpinnedPod));
    const after = (await post(server.port, ca, '', '/metrics', 'GET')).body;
    expect(counter(after, 'rampart_admission_decisions_total{result="denied"}')).toBe(denied + 1);
    expect(counter(after, 'rampart_admission_rule_findings_total{rule="image-not-pinned",action="deny"}')).toBe(byRule + 1);
    expect(counter(after, 'rampart_admission_duration_seconds_count')).toBe(histogram + 1);
    expect(counter(after, 'rampart_admission_requests_total{code="400"}')).toBeGreaterThan(0);
    expect(after).toContain('# TYPE rampart_admission_duration_seconds histogram');
  });

  it('serves a renewed certificate once the files change, without a restart', async () => {
    const renewed = await loopbackCertificate();
    await expect(post(server.port, renewed.cert, '', '/healthz', 'GET')).rejects.toThrow();
    await writeFile(path.join(directory, 'tls.key'), renewed.key);
    await writeFile(path.join(directory, 'tls.crt'), renewed.cert);
    await until(() => logs.some((entry) => entry['msg'] === 'certificate reloaded'), () => JSON.stringify(logs.slice(-3)));
    let status = 0;
    for (let attempt = 0; attempt < 60 && status !== 200; attempt += 1) {
      status = await post(server.port, renewed.cert, '', '/healthz', 'GET').then((reply) => reply.status, () => 0);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    ca = renewed.cert;
  }, 20_000);

  it('logs one JSON decision per review, with rule ids and no object contents', () => {
    const decisions = logs.filter((entry) => entry['msg'] === 'admission decision');
    expect(decisions.length).toBeGreaterThan(0);
    const denial = decisions.find((entry) => entry['result'] === 'denied');
    expect(denial).toMatchObject({ kind: 'Pod', namespace: 'shop', name: 'web', operation: 'CREATE', denied: ['image-not-pinned'] });
    expect(JSON.stringify(logs)).not.toContain('hunter2');
  });
});

describe('rampart serve admission: per-rule modes, object selector, Flux objects', () => {
  let server: AdmissionServer;
  let ca: string;
  const logs: Array<Record<string, unknown>> = [];

  let webhook: TestWebhook;

  beforeAll(async () => {
    webhook = await startTestWebhook({
      modes: new Map([['image-not-pinned', 'warn'], ['rbac-cluster-admin-binding', 'audit']]),
      objectSelector: parseLabelSelector('!rampart.dev/skip,env notin (sandbox)'),
      log: (entry) => logs.push(entry),
    });
    ({ server, ca } = webhook);
  });

  afterAll(async () => webhook?.stop());

  it('a warn-mode rule never denies: its finding comes back as a warning and a warned audit annotation', async () => {
    const response = (await post(server.port, ca, review(unpinnedPod))).json().response;
    expect(response.allowed).toBe(true);
    expect(response.warnings.join('\n')).toMatch(/image-not-pinned \(high\): .*nginx:1\.25/);
    expect(response.auditAnnotations).toEqual({ warned: 'image-not-pinned' });
  });

  it('an audit-mode rule neither denies nor warns: audit annotation and metrics only', async () => {
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' };
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: metadata('ops-admin'), roleRef, subjects: [{ kind: 'ServiceAccount', name: 'ops', namespace: 'shop' }] };
    const response = (await post(server.port, ca, review(binding, { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' }))).json().response;
    expect(response.allowed).toBe(true);
    expect(response.warnings).toBeUndefined();
    expect(response.auditAnnotations).toEqual({ audited: 'rbac-cluster-admin-binding' });
    const metrics = (await post(server.port, ca, '', '/metrics', 'GET')).body;
    expect(counter(metrics, 'rampart_admission_rule_findings_total{rule="rbac-cluster-admin-binding",action="audit"}')).toBe(1);
  });

  it('rules in no mode still deny', async () => {
    const privileged = { ...unpinnedPod, metadata: metadata('debug', 'shop'), spec: { containers: [{ name: 'debug', image: `busybox@${DIGEST}`, securityContext: { privileged: true } }] } };
    const response = (await post(server.port, ca, review(privileged))).json().response;
    expect(response.allowed).toBe(false);
    expect(response.status.message).toContain('workload-privileged');
  });

  it('objects whose labels (new or old) do not match the object selector pass unjudged', async () => {
    const labelled = (labels: Record<string, string>) => ({ ...unpinnedPod, metadata: { ...metadata('labelled', 'shop'), labels }, spec: { hostNetwork: true, containers: [{ name: 'x', image: `busybox@${DIGEST}`, securityContext: { privileged: true } }] } });
    const skipped = await post(server.port, ca, review(labelled({ 'rampart.dev/skip': 'true' })));
    expect(skipped.json().response).toEqual({ uid: expect.any(String), allowed: true });
    expect(logs.some((entry) => entry['skipped'] === 'labels do not match the object selector')).toBe(true);
    const sandbox = await post(server.port, ca, review(labelled({ env: 'sandbox' })));
    expect(sandbox.json().response.allowed).toBe(true);
    const prod = await post(server.port, ca, review(labelled({ env: 'prod' })));
    expect(prod.json().response.allowed).toBe(false);
    // Kubernetes semantics: on UPDATE the old object matching is enough (removing the opt-out label is judged)
    const update = await post(server.port, ca, review(labelled({ 'rampart.dev/skip': 'true' }), { operation: 'UPDATE', oldObject: labelled({ env: 'prod' }) }));
    expect(update.json().response.allowed).toBe(false);
  });

  it('judges a Flux HelmRelease: values that run a privileged container are denied', async () => {
    const release = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: metadata('device-plugin', 'apps'),
      spec: {
        interval: '30m',
        chart: { spec: { chart: 'app-template', version: '3.5.1', sourceRef: { kind: 'HelmRepository', name: 'bjw-s', namespace: 'flux-system' } } },
        values: { controllers: { main: { containers: { app: { image: { repository: 'ghcr.io/acme/plugin', tag: `1.0.0@${DIGEST}` }, securityContext: { privileged: true } } } } } },
      },
    };
    const response = (await post(server.port, ca, review(release, { group: 'helm.toolkit.fluxcd.io', version: 'v2', resource: 'helmreleases' }))).json().response;
    expect(response.allowed).toBe(false);
    expect(response.status.message).toContain('workload-privileged');
    const pinned = { ...release, metadata: metadata('web', 'apps'), spec: { ...release.spec, values: { image: { repository: 'ghcr.io/acme/web', tag: `2.1.0@${DIGEST}` } } } };
    const allowed = (await post(server.port, ca, review(pinned, { group: 'helm.toolkit.fluxcd.io', version: 'v2', resource: 'helmreleases' }))).json().response;
    expect(allowed.allowed).toBe(true);
  });
});

describe('rampart serve admission (the CLI process)', () => {
  it('starts from the built CLI, answers over TLS 1.2+, and stops cleanly on SIGTERM', async () => {
    const pair = await loopbackCertificate();
    const directory = await mkdtemp(path.join(tmpdir(), 'rampart-admission-cli-'));
    try {
      await writeFile(path.join(directory, 'tls.crt'), pair.cert);
      await writeFile(path.join(directory, 'tls.key'), pair.key);
      // port 0: the system picks a free port, which the first log line names (a guessed port may be taken)
      const child = spawn(process.execPath, [path.resolve('bin/rampart.js'), 'serve', 'admission', '--tls-cert', path.join(directory, 'tls.crt'), '--tls-key', path.join(directory, 'tls.key'), '--host', '127.0.0.1', '--port', '0'], { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
      await until(() => stderr.includes('admission webhook listening'), () => stderr);
      const listening = stderr.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line['msg'] === 'admission webhook listening');
      const port = Number(listening?.['port']);
      expect(port).toBeGreaterThan(0);
      const reply = await post(port, pair.cert, review(unpinnedPod));
      expect(reply.json().response.allowed).toBe(false);
      const tls11 = await new Promise<string>((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: '/healthz', ca: pair.cert, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, () => resolve('connected'));
        req.on('error', () => resolve('refused'));
        req.end();
      });
      expect(tls11).toBe('refused');
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const lines = stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.some((line) => line['msg'] === 'admission decision' && line['result'] === 'denied')).toBe(true);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 30_000);

  it('--workers 2 judges on threads: same decisions, one set of metrics, warn mode from the config', async () => {
    const pair = await loopbackCertificate();
    const directory = await mkdtemp(path.join(tmpdir(), 'rampart-admission-workers-'));
    try {
      await writeFile(path.join(directory, 'tls.crt'), pair.cert);
      await writeFile(path.join(directory, 'tls.key'), pair.key);
      await writeFile(path.join(directory, '.rampart.yaml'), 'admission:\n  warn: [rbac-cluster-admin-binding]\n');
      const child = spawn(process.execPath, [path.resolve('bin/rampart.js'), 'serve', 'admission', '--tls-cert', 'tls.crt', '--tls-key', 'tls.key', '--host', '127.0.0.1', '--port', '0', '--workers', '2'], { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
      await until(() => stderr.includes('admission webhook listening'), () => stderr);
      const port = Number((JSON.parse(stderr.split('\n').find((line) => line.includes('admission webhook listening'))!) as { port: number }).port);
      const replies = await Promise.all(Array.from({ length: 12 }, (_, index) => post(port, pair.cert, review(index % 2 === 0 ? unpinnedPod : pinnedDeployment, index % 2 === 0 ? {} : { group: 'apps', resource: 'deployments' }))));
      replies.forEach((reply, index) => expect(reply.json().response.allowed, String(index)).toBe(index % 2 === 1));
      const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' };
      const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: metadata('ops-admin'), roleRef, subjects: [{ kind: 'ServiceAccount', name: 'ops', namespace: 'shop' }] };
      const warned = (await post(port, pair.cert, review(binding, { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' }))).json().response;
      expect(warned.allowed).toBe(true);
      expect(warned.auditAnnotations).toEqual({ warned: 'rbac-cluster-admin-binding' });
      const metrics = (await post(port, pair.cert, '', '/metrics', 'GET')).body;
      expect(counter(metrics, 'rampart_admission_decisions_total{result="denied"}')).toBe(6);
      expect(counter(metrics, 'rampart_admission_decisions_total{result="allowed"}')).toBe(7);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 60_000);

  it('exits 2 naming the flag when a rule mode names an unknown rule or the selector does not parse', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--warn', 'image-not-pined'], /--warn: unknown rule id image-not-pined/],
      [['--object-selector', 'env in (prod'], /--object-selector: label selector "env in \(prod": unbalanced parentheses/],
      [['--verify'], /--verify needs trusted signers/],
      [['--tag-cache', 'soon'], /expected a duration/],
      [['--workers', '0'], /--workers expects a number of threads/],
    ];
    for (const [flags, message] of cases) {
      const child = spawn(process.execPath, [path.resolve('bin/rampart.js'), 'serve', 'admission', '--tls-cert', 'x.crt', '--tls-key', 'x.key', '--port', '0', ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, flags.join(' ')).toBe(2);
      expect(stderr, flags.join(' ')).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);

  it('exits 2 with a clear message when the certificate file is missing', async () => {
    const child = spawn(process.execPath, [path.resolve('bin/rampart.js'), 'serve', 'admission', '--tls-cert', '/nonexistent/tls.crt', '--tls-key', '/nonexistent/tls.key', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot start the admission webhook: .*\/nonexistent\/tls\.crt/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

async function until(condition: () => boolean, detail: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out; stderr: ${detail()}`);
}
