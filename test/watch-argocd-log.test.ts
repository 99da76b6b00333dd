import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { syncOfLogFields } from '../src/watch/argocd-log.js';
import { parseLogrusLine } from '../src/watch/logrus-line.js';
import { runWatch } from '../src/watch/run.js';
import { PROJECT, rampart } from './cli-run.js';
import { auditEvent, KUSTOMIZE_CONTROLLER } from './helpers/audit-events.js';
import type { SigningFixture } from './commits-repo.js';
import { createDeployRepo, type DeployRepoFixture } from './helpers/deploy-repo.js';

let fixture: SigningFixture;
let revisions: DeployRepoFixture['revisions'];

beforeAll(() => {
  ({ fixture, revisions } = createDeployRepo('apps/shop/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n', 'https://github.com/acme/deploy.git'));
});

/**
 * Lines as Argo CD writes them: logrus's text formatter puts time, level and msg first and the other
 * fields sorted, quoting values with spaces or characters such as `:` (controller/appcontroller.go,
 * util/argo/audit_logger.go, server/application/application.go).
 */
const text = {
  automated: (revision: string): string => `time="2026-01-02T03:04:05Z" level=info msg="Initiated automated sync to '${revision}'" app-namespace=argocd application=shop project=shop`,
  completed: (revision: string): string => `time="2026-01-02T03:04:15Z" level=info msg="Sync operation to ${revision} succeeded" application=shop dest-namespace=shop dest-server="https://kubernetes.default.svc" reason=OperationCompleted type=Normal`,
  failed: (revision: string): string => `time="2026-01-02T03:04:15Z" level=info msg="Sync operation to ${revision} failed: one or more objects failed to apply, reason: Deployment.apps \\"web\\" is invalid" application=shop dest-namespace=shop dest-server="https://kubernetes.default.svc" reason=OperationCompleted type=Warning`,
  started: (user: string, revision: string): string => `time="2026-01-02T03:05:00Z" level=info msg="${user} initiated sync to hotfix (${revision})" application=shop dest-namespace=shop dest-server="https://kubernetes.default.svc" reason=OperationStarted type=Normal user=${user}`,
  status: 'time="2026-01-02T03:04:16Z" level=info msg="Updated sync status: OutOfSync -> Synced" application=shop dest-namespace=shop dest-server="https://kubernetes.default.svc" reason=ResourceUpdated type=Normal',
  reconciled: 'time="2026-01-02T03:04:17Z" level=info msg="Reconciliation completed" app-namespace=argocd application=shop comparison-level=3 dedup_ms=0 dest-name= dest-namespace=shop dest-server="https://kubernetes.default.svc" diff_ms=2 fields.level=3 git_ms=31 health_ms=0 live_ms=1 patch_ms=0 project=shop setop_ms=0 settings_ms=0 sync_ms=0 time_ms=47',
};

function file(name: string, lines: readonly string[]): string {
  const target = path.join(fixture.dir, name);
  writeFileSync(target, `${lines.join('\n')}\n`);
  return target;
}

describe('rampart watch --argocd-log: syncs Argo CD logged, against the repository', () => {
  it('reports automated and manual syncs of unsigned or off-branch revisions, each revision once, from text and JSON logs', async () => {
    const controller = file('controller.log', [
      text.automated(revisions.signed),
      text.completed(revisions.signed),
      text.status,
      text.reconciled,
      text.automated(revisions.unsigned),
      text.completed(revisions.unsigned),
    ]);
    const server = file('server.log', [
      `2026-01-02T03:05:00.123456789Z ${JSON.stringify({ application: 'shop', 'dest-namespace': 'shop', 'dest-server': 'https://kubernetes.default.svc', level: 'info', msg: `mallory initiated sync to hotfix (${revisions.side})`, reason: 'OperationStarted', time: '2026-01-02T03:05:00Z', type: 'Normal', user: 'mallory' })}`,
      text.failed(revisions.side),
    ]);
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [], argocdLogs: [controller, server], repo: fixture.repo, verify: { allowedSigners: fixture.allowedSigners } });
    expect(report.findings.map((finding) => [finding.ruleId, finding.location.path, finding.location.line, finding.message])).toEqual([
      ['deploy-revision-unverified', controller, 5, `Application argocd/shop synced ${revisions.unsigned.slice(0, 12)} (Argo CD controller log: automated sync), a commit with no signature.`],
      ['deploy-revision-unverified', server, 1, `Application argocd/shop synced ${revisions.side.slice(0, 12)} (Argo CD API server log: sync started by mallory), which is not on the protected branch main.`],
    ]);
    expect(report.findings[1]?.properties).toMatchObject({ initiatedBy: 'mallory', time: '2026-01-02T03:05:00Z' });
    expect(report.diagnostics).toEqual([]);
  });

  it('takes the source from --argocd-apps, and leaves revisions of other repositories and charts unjudged', async () => {
    const apps = file('apps.json', [JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'other', namespace: 'argocd' }, spec: { project: 'default', source: { repoURL: 'https://github.com/other/repo', path: '.', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'other' } }, status: {} },
    ] })]);
    const log = file('other.log', [
      text.automated(revisions.unsigned).replace('application=shop', 'application=other'),
      'time="2026-01-02T03:04:05Z" level=info msg="Initiated automated sync to \'6.5.4\'" app-namespace=argocd application=redis project=default',
      `time="2026-01-02T03:04:05Z" level=info msg="Initiated automated sync to '${'e'.repeat(40)}'" app-namespace=argocd application=shop project=shop`,
      'panic: runtime error: invalid memory address or nil pointer dereference',
    ]);
    const report = await runWatch({ config: DEFAULT_CONFIG, auditLogs: [], argocdApps: [apps], argocdLogs: [log], repo: fixture.repo });
    expect(report.findings).toEqual([]);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([
      'not a record, skipped: not an Argo CD log line (logrus text `time=… level=… msg=…`, or JSON)',
      'deploy-revision-unverified: 1 event could not be judged: the source is another repository than --repo (https://github.com/other/repo ×1)',
      expect.stringMatching(/^deploy-revision-unverified: 1 event could not be judged: the revision is not in the --repo clone, and what the record names deploys from an unknown source/),
    ]);
  });

  it('runs from the CLI with --argocd-log', async () => {
    const log = file('cli.log', [text.automated(revisions.unsigned)]);
    const result = await rampart(['watch', '--argocd-log', log, '--repo', fixture.repo, '--allowed-signers', fixture.allowedSigners, '-f', 'json']);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId)).toEqual(['deploy-revision-unverified']);
  });
});

describe('rampart watch --follow --argocd-log', () => {
  it('judges syncs as the log grows, and exits 1 at the first finding at or above --fail-on', async () => {
    const log = file('follow.log', [text.automated(revisions.signed), text.reconciled]);
    const child = spawn(process.execPath, [path.join(PROJECT, 'bin', 'rampart.js'), 'watch', '--follow', '--fail-on', 'critical', '--argocd-log', log, '--repo', fixture.repo, '--allowed-signers', fixture.allowedSigners], { cwd: PROJECT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 800));
    appendFileSync(log, `${text.automated(revisions.unsigned)}\n`);
    expect(await closed).toBe(1);
    expect(stdout.trim().split('\n').map((line) => { const finding = JSON.parse(line) as { ruleId: string; location: { line: number } }; return [finding.ruleId, finding.location.line]; })).toEqual([['deploy-revision-unverified', 3]]);
  });
});

describe('the watch section of .rampart.yaml', () => {
  it('takes the protected branch, trusted signers (verify.commits), controller identities and Secret namespaces from the config; flags win', async () => {
    const config = file('rampart.yaml', [
      'verify:',
      `  commits: {allowedSigners: ${fixture.allowedSigners}}`,
      'watch:',
      '  protectedBranch: hotfix',
      '  controllers: {flux: [system:serviceaccount:flux-system:custom-applier]}',
      '  secretNamespaces: [shared]',
    ]);
    const log = file('config.log', [text.automated(revisions.side), text.automated(revisions.unsigned)]);
    const fluxObject = { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'web', namespace: 'shop', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } }, spec: {} };
    const audit = file('audit.log', [
      auditEvent({ verb: 'patch', user: 'system:serviceaccount:flux-system:custom-applier', resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web', responseObject: fluxObject }),
      auditEvent({ verb: 'get', user: 'system:serviceaccount:flux-system:custom-applier', resource: 'secrets', namespace: 'shared', name: 'values', level: 'Metadata' }),
      auditEvent({ verb: 'patch', user: KUSTOMIZE_CONTROLLER, resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web', responseObject: fluxObject }),
    ].map((event) => JSON.stringify(event)));
    const result = await rampart(['watch', '--config', config, '--argocd-log', log, '--audit-log', audit, '--repo', fixture.repo, '-f', 'json']);
    const findings = (JSON.parse(result.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings;
    expect(findings.map((finding) => [finding.ruleId, finding.message])).toEqual([
      ['deploy-unmanaged-change', expect.stringMatching(/^apps\/deployments shop\/web \(Kustomization flux-system\/apps, applied by Flux kustomize-controller\) was changed by system:serviceaccount:flux-system:kustomize-controller /)],
      ['deploy-revision-unverified', `Application argocd/shop synced ${revisions.unsigned.slice(0, 12)} (Argo CD controller log: automated sync), a commit with no signature.`],
    ]);
    const flagWins = await rampart(['watch', '--config', config, '--argocd-log', log, '--repo', fixture.repo, '--protected-branch', 'main', '-f', 'json']);
    expect((JSON.parse(flagWins.stdout) as { findings: Array<{ message: string }> }).findings.map((finding) => finding.message)).toContainEqual(expect.stringContaining('which is not on the protected branch main'));
    const bad = await rampart(['watch', '--config', file('bad.yaml', ['watch:', '  controllers: {argo: [x]}']), '--argocd-log', log]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('watch.controllers');
  });
});

describe('logrus lines', () => {
  it('reads the text form with Go-quoted values, the JSON form, and kubectl logs prefixes', () => {
    expect(parseLogrusLine('time="2026-01-02T03:04:05Z" level=warning msg="a \\"quoted\\" word\\tand a tab" application=shop dest-name= n=3')).toEqual({
      time: '2026-01-02T03:04:05Z', level: 'warning', msg: 'a "quoted" word\tand a tab', application: 'shop', 'dest-name': '', n: '3',
    });
    expect(parseLogrusLine('[pod/argocd-application-controller-0/argocd-application-controller] level=info msg=done')).toEqual({ level: 'info', msg: 'done' });
    expect(parseLogrusLine('{"level":"info","msg":"done","time_ms":47}')).toEqual({ level: 'info', msg: 'done', time_ms: '47' });
    expect(parseLogrusLine('I0102 03:04:05.000000       1 leaderelection.go:250] attempting to acquire leader lease')).toBeUndefined();
    expect(parseLogrusLine('level=info msg="unterminated')).toBeUndefined();
  });

  it('knows which messages record a sync', () => {
    const sha = 'a'.repeat(40);
    const fields = (msg: string, extra: Record<string, string> = {}): Record<string, string> => ({ level: 'info', msg, application: 'shop', ...extra });
    expect(syncOfLogFields(fields(`Initiated automated sync to '${sha}, ${'b'.repeat(40)}'`))?.revisions).toEqual([sha, 'b'.repeat(40)]);
    expect(syncOfLogFields(fields(`Partial sync operation to ${sha} succeeded`))?.revisions).toEqual([sha]);
    expect(syncOfLogFields(fields(`Sync operation to ${sha} failed: boom`))).toBeUndefined();
    expect(syncOfLogFields(fields(`admin initiated partial sync to main (${sha}),v2 (${'c'.repeat(40)})`, { user: 'admin', reason: 'OperationStarted' }))).toMatchObject({ initiatedBy: 'admin', revisions: [sha, 'c'.repeat(40)] });
    expect(syncOfLogFields(fields('Unknown user initiated sync locally'))).toBeUndefined();
    expect(syncOfLogFields(fields('Updated sync status: OutOfSync -> Synced'))).toBeUndefined();
    expect(syncOfLogFields({ level: 'info', msg: `Initiated automated sync to '${sha}'` })).toBeUndefined();
  });
});
