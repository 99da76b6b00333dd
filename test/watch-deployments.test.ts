import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { runWatch } from '../src/watch/run.js';
import { rampart } from './cli-run.js';
import { createSigningFixture, type SigningFixture } from './commits-repo.js';
import { ADMIN, ARGOCD_CONTROLLER, argocdTracking, auditEvent, deployment, jsonLines } from './helpers/audit-events.js';

const DECLARED = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
const UNDECLARED = `ghcr.io/acme/web@sha256:${'b'.repeat(64)}`;
const REPO_URL = 'https://github.com/acme/deploy.git';

let fixture: SigningFixture;
const revisions: Record<string, string> = {};

function manifest(image: string): void {
  mkdirSync(path.join(fixture.repo, 'apps', 'shop'), { recursive: true });
  writeFileSync(path.join(fixture.repo, 'apps', 'shop', 'deployment.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`);
  writeFileSync(path.join(fixture.repo, 'apps', 'shop', 'values.yaml'), 'api:\n  image:\n    repository: ghcr.io/acme/api\n    tag: "2.4.1"\n');
  fixture.git(['add', 'apps']);
}

/** An Application as `kubectl get applications -A -o json` prints it (argoproj.io/v1alpha1). */
function application(name: string, options: { history: string[]; operation?: string; synced: string; images?: string[]; repoURL?: string; chart?: string; resources?: unknown[] }): Record<string, unknown> {
  const source = options.chart
    ? { repoURL: 'https://charts.example.com', chart: options.chart, targetRevision: '1.2.3' }
    : { repoURL: options.repoURL ?? REPO_URL, path: 'apps/shop', targetRevision: 'main' };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', uid: `uid-${name}`, resourceVersion: '1234', generation: 7, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { project: 'shop', source, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
    status: {
      sync: { status: 'Synced', revision: options.synced, comparedTo: { source, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } } },
      health: { status: 'Healthy' },
      history: options.history.map((revision, index) => ({ id: index, revision, deployedAt: `2026-01-0${index + 1}T00:00:00Z`, deployStartedAt: `2026-01-0${index + 1}T00:00:00Z`, source, initiatedBy: index === 1 ? { username: 'jane' } : { automated: true } })),
      ...(options.operation ? {
        operationState: {
          operation: { sync: { revision: options.operation, syncStrategy: { hook: {} } }, initiatedBy: { username: 'mallory' }, retry: {} },
          phase: 'Succeeded', message: 'successfully synced (all tasks run)',
          syncResult: { resources: [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web', status: 'Synced', message: 'deployment.apps/web configured', hookPhase: 'Running', syncPhase: 'Sync' }], revision: options.operation, source },
          startedAt: '2026-01-05T00:00:00Z', finishedAt: '2026-01-05T00:00:09Z',
        },
      } : {}),
      resources: options.resources ?? [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web', status: 'Synced', health: { status: 'Healthy' } }],
      summary: { images: options.images ?? [] },
      reconciledAt: '2026-01-05T00:01:00Z',
      sourceType: options.chart ? 'Helm' : 'Directory',
    },
  };
}

function dump(items: Array<Record<string, unknown>>): string {
  const file = path.join(fixture.dir, `applications-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, 4)}\n`);
  return file;
}

beforeAll(() => {
  fixture = createSigningFixture();
  fixture.git(['remote', 'add', 'origin', 'git@github.com:acme/deploy.git']);
  manifest(DECLARED);
  revisions['signed'] = fixture.commit('web: pin the digest', { signWith: 'ssh', sshKey: 'alice' });
  revisions['unsigned'] = fixture.commit('unsigned change');
  revisions['untrusted'] = fixture.commit('signed by an unknown key', { signWith: 'ssh', sshKey: 'mallory' });
  fixture.git(['checkout', '-q', '-b', 'feature']);
  revisions['side'] = fixture.commit('side branch, signed', { signWith: 'ssh', sshKey: 'alice' });
  fixture.git(['checkout', '-q', 'main']);
});

describe('rampart watch: Argo CD Applications against the repository', () => {
  it('reports synced revisions that are unsigned, untrusted or off the protected branch, and images the synced revision does not declare', async () => {
    const file = dump([
      application('shop', {
        history: [revisions['signed']!, revisions['unsigned']!, revisions['untrusted']!],
        operation: revisions['side']!,
        synced: revisions['signed']!,
        images: [DECLARED, UNDECLARED, 'ghcr.io/acme/api:2.4.1'],
      }),
      application('charts', { history: [revisions['unsigned']!], synced: revisions['unsigned']!, chart: 'redis' }),
    ]);
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [], argocdApps: [file], repo: fixture.repo, verify: { allowedSigners: fixture.allowedSigners } });
    expect(report.findings.map((finding) => [finding.ruleId, finding.message])).toEqual([
      ['deploy-revision-unverified', `Application argocd/shop synced ${revisions['unsigned']!.slice(0, 12)} (status.history[1]), a commit with no signature.`],
      ['deploy-revision-unverified', expect.stringMatching(new RegExp(`^Application argocd/shop synced ${revisions['untrusted']!.slice(0, 12)} \\(status.history\\[2\\]\\), whose signature is not trusted: `))],
      ['deploy-revision-unverified', `Application argocd/shop synced ${revisions['side']!.slice(0, 12)} (status.operationState), which is not on the protected branch main.`],
      ['deploy-image-not-in-git', `Application argocd/shop runs ${UNDECLARED}, which nothing under apps/shop at its synced revision ${revisions['signed']!.slice(0, 12)} declares.`],
    ]);
    expect(report.findings[0]?.properties).toMatchObject({ initiatedBy: 'jane', revision: revisions['unsigned'], repoURL: REPO_URL });
    expect(report.findings[0]?.location.line).toBeGreaterThan(1);
  });

  it('says what it could not check: other repositories, revisions the clone lacks, no --repo', async () => {
    const missing = 'f'.repeat(40);
    const file = dump([
      application('elsewhere', { history: [revisions['signed']!], synced: revisions['signed']!, repoURL: 'https://github.com/other/repo', images: [UNDECLARED] }),
      application('shop', { history: [missing], synced: revisions['signed']! }),
    ]);
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [], argocdApps: [file], repo: fixture.repo, verify: { allowedSigners: fixture.allowedSigners } });
    expect(report.findings).toEqual([]);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([
      'deploy-revision-unverified: 1 event could not be judged: the source is another repository than --repo (https://github.com/other/repo ×1)',
      expect.stringMatching(/^deploy-revision-unverified: 1 event could not be judged: the revision is not in the --repo clone/),
      'deploy-image-not-in-git: 1 event could not be judged: the source is another repository than --repo (https://github.com/other/repo ×1)',
    ]);
    const noRepo = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [], argocdApps: [file] });
    expect(noRepo.diagnostics.map((diagnostic) => diagnostic.message)).toContain('deploy-revision-unverified: 2 events could not be judged: no --repo was given to check revisions against (Application argocd/elsewhere ×1, Application argocd/shop ×1)');
  });

  it('knows the objects an Application manages from its status, so Metadata-level changes to them are judged', async () => {
    const apps = dump([application('shop', { history: [], synced: revisions['signed']! })]);
    const audit = path.join(fixture.dir, 'audit.log');
    writeFileSync(audit, jsonLines([auditEvent({ verb: 'delete', user: ADMIN, resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web', level: 'Metadata' })]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [audit], argocdApps: [apps] });
    expect(report.findings.map((finding) => [finding.ruleId, finding.properties?.['evidence']])).toEqual([['deploy-unmanaged-change', 'status.resources of the Application']]);
  });

  it('checks the images of pods the audit log shows created for a managed workload, leaving injected sidecars alone', async () => {
    const apps = dump([application('shop', { history: [], synced: revisions['signed']!, images: [DECLARED] })]);
    const tracked = { annotations: argocdTracking('shop', 'apps', 'Deployment', 'shop', 'web') };
    const applied = deployment('web', 'shop', { ...tracked, image: DECLARED });
    const pod = (name: string, image: string, owner = 'web-7d9f8b6c5'): Record<string, unknown> => ({
      kind: 'Pod', apiVersion: 'v1',
      metadata: {
        name, generateName: `${owner}-`, namespace: 'shop', uid: `uid-${name}`, resourceVersion: '50001', creationTimestamp: '2026-01-03T00:00:00Z',
        labels: { app: 'web', 'pod-template-hash': owner.slice(owner.lastIndexOf('-') + 1) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: 'uid-rs', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        initContainers: [{ name: 'istio-init', image: 'docker.io/istio/proxyv2:1.22.1' }],
        containers: [{ name: 'web', image }, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.1' }],
        serviceAccountName: 'default',
      },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    });
    const podRef = (name: string): { resource: string; namespace: string; name: string } => ({ resource: 'pods', namespace: 'shop', name });
    const REPLICASETS = 'system:serviceaccount:kube-system:replicaset-controller';
    const audit = path.join(fixture.dir, 'pods.log');
    writeFileSync(audit, jsonLines([
      auditEvent({ verb: 'patch', user: ARGOCD_CONTROLLER, resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web', responseObject: applied }),
      auditEvent({ verb: 'create', user: REPLICASETS, ...podRef('web-7d9f8b6c5-a1b2c'), requestObject: pod('web-7d9f8b6c5-a1b2c', DECLARED), responseObject: pod('web-7d9f8b6c5-a1b2c', DECLARED) }),
      auditEvent({ verb: 'create', user: REPLICASETS, ...podRef('web-7d9f8b6c5-d3e4f'), responseObject: pod('web-7d9f8b6c5-d3e4f', UNDECLARED) }),
      auditEvent({ verb: 'create', user: REPLICASETS, ...podRef('web-7d9f8b6c5-g5h6i'), responseObject: pod('web-7d9f8b6c5-g5h6i', UNDECLARED) }),
      auditEvent({ verb: 'create', user: REPLICASETS, ...podRef('api-5c6d7e8f9-j7k8l'), responseObject: pod('api-5c6d7e8f9-j7k8l', UNDECLARED, 'api-5c6d7e8f9') }),
    ]));
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [audit], argocdApps: [apps], repo: fixture.repo });
    expect(report.findings.map((finding) => [finding.ruleId, finding.location.path, finding.location.line, finding.message])).toEqual([
      ['deploy-image-not-in-git', audit, 3, `Application argocd/shop runs ${UNDECLARED}, which nothing under apps/shop at its synced revision ${revisions['signed']!.slice(0, 12)} declares.`],
    ]);
    expect(report.findings[0]?.properties).toMatchObject({ pod: 'shop/web-7d9f8b6c5-d3e4f' });
    expect(report.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([]);
    // the Deployment known only from the Application's status.resources: its own containers are unknown
    const unseen = path.join(fixture.dir, 'pods-unseen.log');
    writeFileSync(unseen, jsonLines([auditEvent({ verb: 'create', user: REPLICASETS, ...podRef('web-7d9f8b6c5-d3e4f'), responseObject: pod('web-7d9f8b6c5-d3e4f', UNDECLARED) })]));
    const unjudged = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [unseen], argocdApps: [apps], repo: fixture.repo });
    expect(unjudged.findings).toEqual([]);
    expect(unjudged.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([expect.stringMatching(/^deploy-image-not-in-git: 1 event could not be judged: the pod's workload was not seen applied by its controller .* \(deployments\/shop\/web ×1\)$/)]);
  });

  it('runs from the CLI with --repo and --allowed-signers, and refuses a clone without the protected branch', async () => {
    const file = dump([application('shop', { history: [revisions['unsigned']!], synced: revisions['signed']! })]);
    const result = await rampart(['watch', '--argocd-apps', file, '--repo', fixture.repo, '--allowed-signers', fixture.allowedSigners, '-f', 'json']);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId)).toEqual(['deploy-revision-unverified']);
    const noBranch = await rampart(['watch', '--argocd-apps', file, '--repo', fixture.repo, '--protected-branch', 'release']);
    expect(noBranch.code).toBe(2);
    expect(noBranch.stderr).toContain('has no branch release');
  });
});
