import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import type { Finding } from '../src/model/finding.js';
import { parseListenAddress } from '../src/watch/listener.js';
import { followWatch } from '../src/watch/run.js';
import type { Watcher } from '../src/watch/watcher.js';
import { PROJECT } from './cli-run.js';
import { post } from './helpers/admission-server.js';
import { ADMIN, ARGOCD_CONTROLLER, FLUX_LABELS, KUSTOMIZE_CONTROLLER, auditEvent, deployment } from './helpers/audit-events.js';
import { loopbackCertificate } from './helpers/tls.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-watch-listen-'));
const web = deployment('web', 'shop', { labels: FLUX_LABELS });
const deploymentRef = { resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web' };

/** What kube-apiserver's webhook backend posts: one EventList per batch (`--audit-webhook-mode=batch`). */
function eventList(items: unknown[]): string {
  return JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items });
}

let ca = '';
let certFile = '';
let keyFile = '';

beforeAll(async () => {
  const pair = await loopbackCertificate();
  ca = pair.cert;
  certFile = path.join(dir, 'tls.crt');
  keyFile = path.join(dir, 'tls.key');
  writeFileSync(certFile, pair.cert);
  writeFileSync(keyFile, pair.key);
});

describe('rampart watch --listen: the audit webhook backend over HTTPS', () => {
  const findings: Finding[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const stop = new AbortController();
  let port = 0;
  let running: Promise<Watcher>;

  beforeAll(async () => {
    const listening = new Promise<number>((resolve) => {
      running = followWatch({
        config: DEFAULT_CONFIG,
        auditLogs: [],
        listen: { host: '127.0.0.1', port: 0, certFile, keyFile, onListening: resolve },
        onFinding: (finding) => findings.push(finding),
        onBad: () => undefined,
        log: (entry) => logs.push(entry),
      }, stop.signal);
    });
    port = await listening;
  });

  afterAll(async () => {
    stop.abort();
    await running;
  });

  it('judges each batch as it arrives, locating findings by batch and item', async () => {
    const first = await post(port, ca, eventList([
      auditEvent({ verb: 'patch', user: KUSTOMIZE_CONTROLLER, ...deploymentRef, responseObject: web }),
      auditEvent({ verb: 'get', user: 'system:serviceaccount:kube-system:replicaset-controller', resource: 'pods', namespace: 'shop', name: 'web-1', level: 'Metadata' }),
      auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, responseObject: web }),
    ]), '/audit');
    expect(first.status).toBe(200);
    expect(findings.map((finding) => [finding.ruleId, finding.location.path, finding.location.line])).toEqual([
      ['deploy-unmanaged-change', expect.stringMatching(/^<webhook \/audit batch \d+>$/), 3],
    ]);
    // state carries over between batches: the Metadata-level delete of an object seen managed is judged
    const second = await post(port, ca, eventList([
      auditEvent({ verb: 'delete', user: ADMIN, ...deploymentRef, level: 'Metadata' }),
      auditEvent({ verb: 'create', user: ARGOCD_CONTROLLER, resource: 'pods', namespace: 'shop', name: 'web-1', subresource: 'exec', level: 'Metadata', code: 101 }),
    ]), '/audit');
    expect(second.status).toBe(200);
    expect(findings.slice(1).map((finding) => [finding.ruleId, finding.location.line])).toEqual([
      ['deploy-unmanaged-change', 1],
      ['operator-anomalous-access', 2],
    ]);
    expect((await post(port, ca, eventList([]), '/audit')).status).toBe(200);
    expect((await post(port, ca, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: null }), '/audit')).status).toBe(200);
  });

  it('answers 400 naming what is wrong with a body that is not an EventList, and goes on serving', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"kind":', /^bad an audit.k8s.io\/v1 EventList: not JSON/],
      ['[]', /^bad an audit.k8s.io\/v1 EventList: not a JSON object$/],
      [JSON.stringify(auditEvent({ verb: 'get', user: ADMIN, resource: 'pods' })), /: kind is "Event", not EventList$/],
      [JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1beta1', items: [] }), /: apiVersion "audit.k8s.io\/v1beta1" is not audit.k8s.io\/v1$/],
      [JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: {} }), /: items is not a list$/],
    ];
    for (const [body, error] of cases) {
      const reply = await post(port, ca, body, '/audit');
      expect(reply.status, body).toBe(400);
      expect(reply.json().error).toMatch(error);
    }
    // a batch with one bad item: the rest is judged, the bad one counted; 200 so the API server does not send it again
    const before = findings.length;
    const mixed = await post(port, ca, eventList([{ kind: 'Event', apiVersion: 'audit.k8s.io/v1' }, auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, responseObject: web })]), '/audit');
    expect(mixed.status).toBe(200);
    expect(findings.length).toBe(before + 1);
    expect((await post(port, ca, '', '/elsewhere')).status).toBe(404);
    expect((await post(port, ca, '', '/audit', 'GET')).status).toBe(405);
    expect((await post(port, ca, '', '/healthz', 'GET')).body).toBe('ok\n');
    expect(logs.filter((entry) => entry['msg'] === 'body rejected')).toHaveLength(cases.length);
  });
});

describe('rampart watch --listen from the CLI', () => {
  it('streams findings as JSON lines, refuses plain HTTP, and stops on SIGTERM with exit 0', async () => {
    const child = spawn(process.execPath, [path.join(PROJECT, 'bin', 'rampart.js'), 'watch', '--listen', '127.0.0.1:0', '--tls-cert', certFile, '--tls-key', keyFile], { cwd: PROJECT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    const listening = new Promise<number>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const match = /"msg":"watch listening","host":"127\.0\.0\.1","port":(\d+)/.exec(stderr);
        if (match) resolve(Number(match[1]));
      });
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const port = await listening;
    const reply = await post(port, ca, eventList([auditEvent({ verb: 'patch', user: ADMIN, ...deploymentRef, responseObject: web })]), '/audit');
    expect(reply.status).toBe(200);
    const plain = await fetch(`http://127.0.0.1:${port}/audit`, { method: 'POST', body: '{}' }).then(() => 'answered', () => 'refused');
    expect(plain).toBe('refused');
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    expect(stdout.trim().split('\n').map((line) => (JSON.parse(line) as { ruleId: string }).ruleId)).toEqual(['deploy-unmanaged-change']);
    expect(stderr).toContain('"msg":"watch ended","records":1,"auditEvents":1,"badRecords":0,"findings":1');
  });

  it('refuses --listen without a certificate, and a certificate that is not PEM, with a clear message', async () => {
    const { rampart } = await import('./cli-run.js');
    const noCert = await rampart(['watch', '--listen', ':0']);
    expect(noCert.code).toBe(2);
    expect(noCert.stderr).toBe('rampart: --listen serves HTTPS: give --tls-cert FILE and --tls-key FILE\n');
    const garbage = path.join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const bad = await rampart(['watch', '--listen', '127.0.0.1:0', '--tls-cert', garbage, '--tls-key', keyFile]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^rampart: cannot load the TLS certificate and key \(.*garbage\.pem, .*tls\.key\): /);
    expect(bad.stderr.split('\n')).toHaveLength(2);
  });

  it('--tls-client-ca: answers only clients whose certificate the CA signed (the API server\'s client certificate)', async () => {
    const run = (args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' }); };
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=audit-ca', '-keyout', 'ca.key', '-out', 'ca.crt']);
    run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=kube-apiserver', '-keyout', 'client.key', '-out', 'client.csr']);
    run(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'client.crt']);
    const stop = new AbortController();
    let running: Promise<Watcher> | undefined;
    const port = await new Promise<number>((resolve) => {
      running = followWatch({
        config: DEFAULT_CONFIG, auditLogs: [],
        listen: { host: '127.0.0.1', port: 0, certFile, keyFile, clientCaFile: path.join(dir, 'ca.crt'), onListening: resolve },
        onFinding: () => undefined, onBad: () => undefined, log: () => undefined,
      }, stop.signal);
    });
    const send = (client?: { cert: Buffer; key: Buffer }): Promise<number | string> => new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/audit', method: 'POST', ca, ...client }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', (error) => resolve(error.message));
      req.end(eventList([]));
    });
    try {
      expect(await send({ cert: readFileSync(path.join(dir, 'client.crt')), key: readFileSync(path.join(dir, 'client.key')) })).toBe(200);
      expect(await send()).toEqual(expect.any(String));
      expect(await send({ cert: Buffer.from(ca), key: readFileSync(keyFile) })).toEqual(expect.any(String));
    } finally {
      stop.abort();
      await running;
    }
  });

  it('reads listen addresses', () => {
    expect(parseListenAddress('127.0.0.1:8443')).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(parseListenAddress(':8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(parseListenAddress('8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(parseListenAddress('[::1]:8443')).toEqual({ host: '::1', port: 8443 });
    expect(() => parseListenAddress('localhost')).toThrow('--listen localhost: give HOST:PORT, :PORT or PORT');
    expect(() => parseListenAddress(':70000')).toThrow();
  });
});
