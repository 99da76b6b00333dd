import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import type { Finding } from '../src/model/finding.js';
import { gitRevisionOf } from '../src/watch/cluster-events.js';
import { followWatch, runWatch } from '../src/watch/run.js';
import type { Watcher } from '../src/watch/watcher.js';
import { rampart } from './cli-run.js';
import type { SigningFixture } from './commits-repo.js';
import { createDeployRepo, type DeployRepoFixture } from './helpers/deploy-repo.js';
import { post } from './helpers/admission-server.js';
import { loopbackCertificate } from './helpers/tls.js';

let fixture: SigningFixture;
let revisions: DeployRepoFixture['revisions'];

beforeAll(() => {
  ({ fixture, revisions } = createDeployRepo('clusters/prod/apps.yaml', 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n'));
});

type Kind = 'Kustomization' | 'HelmRelease' | 'GitRepository';
const GROUPS: Record<Kind, string> = { Kustomization: 'kustomize.toolkit.fluxcd.io/v1', HelmRelease: 'helm.toolkit.fluxcd.io/v2', GitRepository: 'source.toolkit.fluxcd.io/v1' };
const CONTROLLERS: Record<Kind, string> = { Kustomization: 'kustomize-controller', HelmRelease: 'helm-controller', GitRepository: 'source-controller' };

/**
 * A Flux event (fluxcd/pkg apis/event/v1beta1) as notification-controller forwards it to a `generic`
 * Provider: metadata keys without the object group's prefix. With `prefixed`, as a controller posts it
 * to notification-controller (fluxcd/pkg runtime/events): `kustomize.toolkit.fluxcd.io/revision`.
 */
function fluxEvent(kind: Kind, name: string, options: { reason: string; message: string; metadata?: Record<string, string>; severity?: 'info' | 'error'; prefixed?: boolean }): Record<string, unknown> {
  const group = GROUPS[kind].split('/')[0]!;
  const metadata = Object.fromEntries(Object.entries(options.metadata ?? {}).map(([key, value]) => [options.prefixed ? `${group}/${key}` : key, value]));
  return {
    involvedObject: { kind, namespace: 'flux-system', name, uid: `uid-${name}`, apiVersion: GROUPS[kind], resourceVersion: '48213' },
    severity: options.severity ?? 'info',
    timestamp: '2026-01-02T03:04:05Z',
    message: options.message,
    reason: options.reason,
    ...(options.metadata ? { metadata } : {}),
    reportingController: CONTROLLERS[kind],
    reportingInstance: `${CONTROLLERS[kind]}-5f7b9c7d8-x2x7q`,
  };
}

const reconciled = (revision: string, kind: Kind = 'Kustomization', name = 'apps'): Record<string, unknown> =>
  fluxEvent(kind, name, { reason: 'ReconciliationSucceeded', message: 'Reconciliation finished in 1.203s, next run in 10m0s', metadata: { revision, commit_status: 'update' } });

/** A core/v1 Event as `kubectl get events -o json` prints it; Flux's metadata is in the annotations. */
function coreEvent(involved: { kind: string; apiVersion: string; name: string; namespace: string }, options: { reason: string; message: string; annotations?: Record<string, string>; component: string; type?: string }): Record<string, unknown> {
  const uid = `ev-${Math.random().toString(16).slice(2)}`;
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${involved.name}.18a2b3c4d5e6f7a8`, namespace: involved.namespace, uid, resourceVersion: '1200', creationTimestamp: '2026-01-02T03:04:05Z', ...(options.annotations ? { annotations: options.annotations } : {}) },
    involvedObject: { ...involved, uid: `uid-${involved.name}`, resourceVersion: '48213' },
    reason: options.reason, message: options.message, type: options.type ?? 'Normal', count: 1,
    source: { component: options.component }, firstTimestamp: '2026-01-02T03:04:05Z', lastTimestamp: '2026-01-02T03:04:05Z',
    eventTime: null, reportingComponent: options.component, reportingInstance: '',
  };
}

function file(name: string, text: string): string {
  const target = path.join(fixture.dir, name);
  writeFileSync(target, text);
  return target;
}
const lines = (events: ReadonlyArray<Record<string, unknown>>): string => `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;
const verify = (): { allowedSigners: string } => ({ allowedSigners: fixture.allowedSigners });

describe('rampart watch --events: Flux events against the repository', () => {
  it('reports reconciliations of unsigned and off-branch revisions, and a source repointed to another branch', async () => {
    const events = file('flux.jsonl', lines([
      reconciled(`main@sha1:${revisions.signed}`),
      fluxEvent('Kustomization', 'apps', { reason: 'Progressing', message: 'Deployment/shop/web configured', metadata: { revision: `main@sha1:${revisions.unsigned}` } }),
      reconciled(`main@sha1:${revisions.unsigned}`),
      fluxEvent('Kustomization', 'apps', { reason: 'BuildFailed', severity: 'error', message: 'kustomize build failed', metadata: { revision: `main@sha1:${'d'.repeat(40)}` } }),
      fluxEvent('GitRepository', 'flux-system', { reason: 'NewArtifact', message: "stored artifact for commit 'side branch, signed'", metadata: { revision: `hotfix@sha1:${revisions.side}` } }),
      reconciled(`hotfix@sha1:${revisions.side}`),
      fluxEvent('HelmRelease', 'redis', { reason: 'UpgradeSucceeded', message: 'Helm upgrade succeeded for release data/redis.v4 with chart redis@19.6.4', metadata: { revision: '19.6.4', 'app-version': '7.2.5' } }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [], events: [events], repo: fixture.repo, verify: verify() });
    expect(report.findings.map((finding) => [finding.ruleId, finding.location.line, finding.message])).toEqual([
      ['deploy-source-changed', 6, `Kustomization flux-system/apps now deploys hotfix where it deployed main (Flux event ReconciliationSucceeded): its source was pointed at another branch or tag; check that Git asked for it.`],
      ['deploy-revision-unverified', 2, `Kustomization flux-system/apps synced ${revisions.unsigned.slice(0, 12)} (Flux event Progressing), a commit with no signature.`],
      ['deploy-revision-unverified', 6, `Kustomization flux-system/apps synced ${revisions.side.slice(0, 12)} (Flux event ReconciliationSucceeded), which is not on the protected branch main.`],
    ]);
    expect(report.diagnostics).toEqual([]);
  });

  it('reads kubectl get events -o json (core/v1 and events.k8s.io/v1), Flux annotations and Argo CD sync events, located at their line', async () => {
    const list = {
      apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' },
      items: [
        coreEvent({ kind: 'Kustomization', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', name: 'apps', namespace: 'flux-system' }, {
          reason: 'ReconciliationSucceeded', message: 'Reconciliation finished in 1.2s, next run in 10m0s', component: 'kustomize-controller',
          annotations: { 'kustomize.toolkit.fluxcd.io/revision': `main@sha1:${revisions.signed}`, 'kustomize.toolkit.fluxcd.io/commit_status': 'update' },
        }),
        coreEvent({ kind: 'Application', apiVersion: 'argoproj.io/v1alpha1', name: 'shop', namespace: 'argocd' }, {
          reason: 'OperationStarted', message: `Initiated automated sync to '${revisions.unsigned}'`, component: 'argocd-application-controller',
          annotations: { 'dest-namespace': 'shop', 'dest-server': 'https://kubernetes.default.svc' },
        }),
        {
          apiVersion: 'events.k8s.io/v1', kind: 'Event',
          metadata: { name: 'infra.18a2b3c4d5e6f7a9', namespace: 'flux-system', uid: 'ev-new-api', annotations: { 'kustomize.toolkit.fluxcd.io/revision': `refs/heads/hotfix@sha1:${revisions.side}` } },
          eventTime: '2026-01-02T03:04:05.000000Z', reportingController: 'kustomize-controller', reportingInstance: 'kustomize-controller-5f7b9c7d8-x2x7q',
          action: 'ReconciliationSucceeded', reason: 'ReconciliationSucceeded', note: 'Reconciliation finished in 2s, next run in 1h0m0s', type: 'Normal',
          regarding: { kind: 'Kustomization', namespace: 'flux-system', name: 'infra', uid: 'uid-infra', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', resourceVersion: '48214' },
        },
        { apiVersion: 'v1', kind: 'Event', metadata: { name: 'broken' }, reason: 'X' },
      ],
    };
    const events = file('events.json', `${JSON.stringify(list, null, 4)}\n`);
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [], events: [events], repo: fixture.repo, verify: verify() });
    expect(report.findings.map((finding) => [finding.ruleId, finding.message])).toEqual([
      ['deploy-revision-unverified', `Application argocd/shop synced ${revisions.unsigned.slice(0, 12)} (Argo CD event: automated sync), a commit with no signature.`],
      ['deploy-revision-unverified', `Kustomization flux-system/infra synced ${revisions.side.slice(0, 12)} (Flux event ReconciliationSucceeded), which is not on the protected branch main.`],
    ]);
    const text = JSON.stringify(list, null, 4).split('\n');
    expect(report.findings.map((finding) => text[finding.location.line - 1])).toEqual([expect.stringContaining('"uid": "ev-'), expect.stringContaining('"uid": "ev-new-api"')]);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message)).toEqual(['not a record, skipped: not an event: it has no involvedObject (Flux and core/v1 Events) nor regarding (events.k8s.io/v1)']);
  });

  it('stays quiet on version tags moving, charts, errors, and says what it could not check', async () => {
    const events = file('quiet.jsonl', lines([
      fluxEvent('GitRepository', 'platform', { reason: 'NewArtifact', message: 'stored artifact', metadata: { revision: `v1.4.0@sha1:${revisions.signed}` } }),
      fluxEvent('GitRepository', 'platform', { reason: 'NewArtifact', message: 'stored artifact', metadata: { revision: `v1.5.0@sha1:${revisions.signed}` } }),
      fluxEvent('HelmRelease', 'redis', { reason: 'InstallSucceeded', message: 'Helm install succeeded', metadata: { revision: '19.6.4' } }),
      fluxEvent('Kustomization', 'apps', { reason: 'HealthCheckFailed', severity: 'error', message: 'timeout', metadata: { revision: `main@sha1:${revisions.unsigned}` } }),
      reconciled(`main@sha1:${'f'.repeat(40)}`),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [], events: [events], repo: fixture.repo, verify: verify() });
    expect(report.findings).toEqual([]);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([expect.stringMatching(/^deploy-revision-unverified: 1 event could not be judged: the revision is not in the --repo clone/)]);
    const noRepo = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [], events: [events] });
    expect(noRepo.diagnostics.map((diagnostic) => diagnostic.message)).toEqual(['deploy-revision-unverified: 1 event could not be judged: no --repo was given to check revisions against (Kustomization flux-system/apps ×1)']);
  });

  it('runs from the CLI with --events', async () => {
    const events = file('cli.jsonl', lines([reconciled(`main@sha1:${revisions.unsigned}`)]));
    const result = await rampart(['watch', '--events', events, '--repo', fixture.repo, '--allowed-signers', fixture.allowedSigners, '-f', 'json']);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId)).toEqual(['deploy-revision-unverified']);
  });
});

describe('rampart watch --listen: Flux events posted to /flux', () => {
  const findings: Finding[] = [];
  const stop = new AbortController();
  let running: Promise<Watcher>;
  let port = 0;
  let ca = '';

  beforeAll(async () => {
    const pair = await loopbackCertificate();
    ca = pair.cert;
    const certFile = file('tls.crt', pair.cert);
    const keyFile = file('tls.key', pair.key);
    port = await new Promise<number>((resolve) => {
      running = followWatch({
        config: DEFAULT_CONFIG, auditLogs: [], repo: fixture.repo, verify: verify(),
        listen: { host: '127.0.0.1', port: 0, certFile, keyFile, onListening: resolve },
        onFinding: (finding) => findings.push(finding), onBad: () => undefined, log: () => undefined,
      }, stop.signal);
    });
  });

  afterAll(async () => {
    stop.abort();
    await running;
  });

  it('judges each event against the clone as it arrives, and answers 400 to a body that is not an event', async () => {
    // as kustomize-controller posts to an events address: metadata keys carry the group prefix
    const event = fluxEvent('Kustomization', 'apps', { reason: 'ReconciliationSucceeded', message: 'Reconciliation finished', metadata: { revision: `main@sha1:${revisions.unsigned}` }, prefixed: true });
    const reply = await post(port, ca, JSON.stringify(event), '/flux');
    expect(reply.status).toBe(200);
    await expect.poll(() => findings.map((finding) => [finding.ruleId, finding.location.path])).toEqual([['deploy-revision-unverified', expect.stringMatching(/^<webhook \/flux event \d+>$/)]]);
    const bad = await post(port, ca, JSON.stringify({ severity: 'info', message: 'no object' }), '/flux');
    expect(bad.status).toBe(400);
    expect(bad.json().error).toBe('bad a Flux event: not an event: it has no involvedObject (Flux and core/v1 Events) nor regarding (events.k8s.io/v1)');
    expect((await post(port, ca, JSON.stringify({ involvedObject: { kind: 'Kustomization' }, severity: 'info' }), '/flux')).json().error).toBe('bad a Flux event: the involvedObject has no name');
  });
});

describe('rampart watch --listen --flux-hmac-key: events from a generic-hmac Provider', () => {
  it('judges events signed with the key (X-Signature: sha256=<hex>) and answers 401 to the rest', async () => {
    const pair = await loopbackCertificate();
    const key = Buffer.from('s3cr3t-token');
    const findings: Finding[] = [];
    const stop = new AbortController();
    let running: Promise<Watcher> | undefined;
    const port = await new Promise<number>((resolve) => {
      running = followWatch({
        config: DEFAULT_CONFIG, auditLogs: [], repo: fixture.repo, verify: verify(),
        listen: { host: '127.0.0.1', port: 0, certFile: file('hmac.crt', pair.cert), keyFile: file('hmac.key', pair.key), fluxHmacKey: key, onListening: resolve },
        onFinding: (finding) => findings.push(finding), onBad: () => undefined, log: () => undefined,
      }, stop.signal);
    });
    const body = JSON.stringify(reconciled(`main@sha1:${revisions.unsigned}`));
    const send = (signature?: string): Promise<{ status: number; text: string }> => new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/flux', method: 'POST', ca: pair.cert, headers: { 'content-type': 'application/json', 'gotk-component': 'kustomize-controller', ...(signature ? { 'x-signature': signature } : {}) } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    try {
      expect(await send()).toEqual({ status: 401, text: JSON.stringify({ error: 'no X-Signature header: the Provider must be generic-hmac with the key given to --flux-hmac-key' }) });
      expect((await send(`sha256=${createHmac('sha256', 'other').update(body).digest('hex')}`)).status).toBe(401);
      expect(findings).toEqual([]);
      expect((await send(`sha256=${createHmac('sha256', key).update(body).digest('hex')}`)).status).toBe(200);
      await expect.poll(() => findings.map((finding) => finding.ruleId)).toEqual(['deploy-revision-unverified']);
    } finally {
      stop.abort();
      await running;
    }
  });
});

describe('Flux revisions', () => {
  it('reads the Git commit and branch of every revision form, and nothing from OCI digests and chart versions', () => {
    const sha = 'a'.repeat(40);
    expect(gitRevisionOf(`main@sha1:${sha}`)).toEqual({ ref: 'main', commit: sha });
    expect(gitRevisionOf(`refs/heads/release/1.x@sha1:${sha}`)).toEqual({ ref: 'release/1.x', commit: sha });
    expect(gitRevisionOf(`sha1:${sha}`)).toEqual({ ref: '', commit: sha });
    expect(gitRevisionOf(`main/${sha}`)).toEqual({ ref: 'main', commit: sha });
    expect(gitRevisionOf(sha)).toEqual({ ref: '', commit: sha });
    expect(gitRevisionOf(`latest@sha256:${'b'.repeat(64)}`)).toBeUndefined();
    expect(gitRevisionOf('19.6.4')).toBeUndefined();
    expect(gitRevisionOf(undefined)).toBeUndefined();
  });
});
