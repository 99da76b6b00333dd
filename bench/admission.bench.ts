import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/**
 * Issue 20: the admission webhook warm, on loopback, measured with autocannon. Goal: p99 ≤ 5 ms and
 * ≥ 2,000 requests/s on 2 cores for pod admission. The baseline is an HTTPS server in the same kind of
 * child process that parses the review and allows it without judging: the floor of TLS + HTTP + JSON.
 * Latency and req/s depend on what else the machine runs; the server's own CPU time per request does
 * not, and gives what one free core sustains. The built CLI serves (`npm run build` first).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'rampart.js');
const work = path.join(here, '..', '.bench', 'admission');
export const SECONDS = 8;
/** closed loop: each connection sends its next request when the last is answered, as fast as the server goes */
export const CONNECTIONS = 4;
/**
 * Open loop at fixed rates from 8 connections: at 2,000/s each waits 4 ms between requests, so a
 * response later than that delays its connection's next one (coordinated omission) and the
 * achieved rate is printed beside the goal.
 */
export const RATES = [1000, 2000];
export const RATE_CONNECTIONS = 8;
const GOAL_RATE = 2000;
/** V8's young generation: the default 16 MB semi-space is scavenged about every hundred requests */
const SEMI_SPACE_MB = 64;

const FLOOR_SERVER = `
const { createServer } = require('node:https');
const { readFileSync } = require('node:fs');
const [cert, key] = process.argv.slice(2);
const server = createServer({ cert: readFileSync(cert), key: readFileSync(key), minVersion: 'TLSv1.2' }, (request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stderr.write(JSON.stringify({ msg: 'listening', port: server.address().port }) + '\\n'));
`;

export function podReview(image = `registry.example.com/shop/web@sha256:${'a'.repeat(64)}`): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d4b9c8f6d-x2x9q', namespace: 'shop', labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6d' }, uid: '4b54ef9c-1b8f-4c2e-9d2b-1f1f3a2b0c11' },
    spec: {
      serviceAccountName: 'web',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'web',
        image,
        ports: [{ containerPort: 8080 }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        env: [{ name: 'LOG_LEVEL', value: 'info' }],
      }],
    },
  };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      name: pod.metadata.name,
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts'] },
      object: pod,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
}

/** The port the server's first log lines name; then its log is drained unread (a full pipe would stall the server, and parsing every line would take the load generator's CPU). */
export function listening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { port?: number };
        if (typeof entry.port !== 'number') return;
        lines.close();
        child.stderr!.resume();
        resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    child.once('exit', () => reject(new Error('the server exited before listening')));
  });
}

/** CPU seconds (user + system) the process has used, from /proc: what a request costs whatever else runs. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

export interface Measured {
  readonly requestsPerSecond: number;
  /** every response's time in ms, sorted: autocannon's own histogram keeps whole milliseconds only */
  readonly latencies: Float64Array;
  readonly cpuPerRequest: number;
  readonly failed: number;
}

/**
 * One autocannon run. With `rate`, requests go out at that overall rate from enough connections that
 * each waits several milliseconds between requests: a response later than that delays its
 * connection's next request (coordinated omission), so the achieved rate is reported beside the goal.
 */
export async function load(port: number, body: string, pid: number, connections: number, rate?: number): Promise<Measured> {
  const target = {
    url: `https://127.0.0.1:${port}/validate`, method: 'POST' as const, body, headers: { 'content-type': 'application/json' }, connections,
    ...(rate ? { overallRate: rate } : {}),
  };
  await autocannon({ ...target, duration: 2 }); // warm-up: JIT, caches, TLS sessions
  const times: number[] = [];
  const before = cpuSeconds(pid);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon({ ...target, duration: SECONDS }, (error, finished) => (error ? reject(error) : resolve(finished)));
    run.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  });
  const cpu = cpuSeconds(pid) - before;
  return {
    requestsPerSecond: result.requests.total / SECONDS,
    latencies: Float64Array.from(times).sort(),
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

export function line(label: string, { requestsPerSecond, latencies, cpuPerRequest, failed }: Measured): string {
  const capacity = Math.round(1 / cpuPerRequest);
  return `  ${label.padEnd(46)} ${Math.round(requestsPerSecond).toString().padStart(6)} req/s   p50 ${percentile(latencies, 0.5).toFixed(2)} ms   p99 ${percentile(latencies, 0.99).toFixed(2)} ms   max ${percentile(latencies, 1).toFixed(1)} ms   server CPU ${(cpuPerRequest * 1000).toFixed(3)} ms/request (≈ ${capacity} req/s per free core)${failed > 0 ? `   (${failed} failed)` : ''}\n`;
}

/**
 * The judge alone, in this process: CPU per request, and the garbage collections a thousand requests
 * cause. Young-generation collections are cheap while a request's garbage dies young; full ones
 * (mark-compact) mean requests' objects outlive them (kept by a cache) and are the webhook's pauses.
 */
async function judgeInProcess(body: string): Promise<string> {
  const [{ judge }, { parseAdmissionReview }, { RULES }, { DEFAULT_CONFIG }] = await Promise.all([
    import('../src/admission/judge.js'), import('../src/admission/review.js'), import('../src/rules/index.js'), import('../src/config/schema.js'),
  ]);
  const options = { config: DEFAULT_CONFIG, rules: RULES, failOn: 'high' as const, excludeNamespaces: new Set<string>() };
  const judgeMany = async (count: number): Promise<void> => {
    for (let index = 0; index < count; index += 1) await judge(parseAdmissionReview(body), options);
  };
  await judgeMany(2000);
  const collections = { minor: 0, full: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === 1) collections.minor += 1; // NODE_PERFORMANCE_GC_MINOR
      else if (kind === 4) collections.full += 1; // NODE_PERFORMANCE_GC_MAJOR
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const requests = 10_000;
  const before = process.cpuUsage();
  await judgeMany(requests);
  const cpu = process.cpuUsage(before);
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  const perThousand = (count: number): string => (count * 1000 / requests).toFixed(1);
  return `  judge in this process, ${requests} pod reviews: ${((cpu.user + cpu.system) / requests).toFixed(0)} µs CPU/request; per 1,000 requests ${perThousand(collections.minor)} young-generation and ${perThousand(collections.full)} full collections\n`;
}

/** A certificate and key for 127.0.0.1 in `directory` (created), valid one day. */
export function selfSignedCertificate(directory: string): { cert: string; key: string } {
  mkdirSync(directory, { recursive: true });
  const cert = path.join(directory, 'cert.pem');
  const key = path.join(directory, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

export async function run(): Promise<void> {
  const { cert, key } = selfSignedCertificate(work);
  writeFileSync(path.join(work, 'floor.cjs'), FLOOR_SERVER);
  const body = podReview();
  process.stdout.write(`admission webhook, pod review, ${SECONDS} s warm (after 2 s warm-up), server in its own process; latency percentiles of every response (µs resolution); goal p99 ≤ 5 ms at ≥ ${GOAL_RATE} req/s:\n`);
  process.stdout.write(`  load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} at the start\n`);
  process.stdout.write(await judgeInProcess(body));
  const serve = [bin, 'serve', 'admission', '--tls-cert', cert, '--tls-key', key, '--host', '127.0.0.1', '--port', '0'];
  const servers: Record<string, string[]> = {
    'floor (parse + allow)': [path.join(work, 'floor.cjs'), cert, key],
    'serve admission': serve,
    [`serve admission, --max-semi-space-size=${SEMI_SPACE_MB}`]: [`--max-semi-space-size=${SEMI_SPACE_MB}`, ...serve],
    'serve admission --workers 2': [...serve, '--workers', '2'],
  };
  for (const [label, args] of Object.entries(servers)) {
    const child = spawn(process.execPath, args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const port = await listening(child);
      process.stdout.write(line(`${label}, ${CONNECTIONS} conns, max`, await load(port, body, child.pid!, CONNECTIONS)));
      for (const rate of RATES) process.stdout.write(line(`${label}, ${RATE_CONNECTIONS} conns, ${rate}/s`, await load(port, body, child.pid!, RATE_CONNECTIONS, rate)));
    } finally {
      child.kill('SIGTERM');
    }
  }
  process.stdout.write(`  load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} on ${availableParallelism()} cores: latency depends on what else runs; server CPU per request much less\n`);
}
