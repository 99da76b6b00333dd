import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import { readLines } from '../src/watch/line-reader.js';
import { runWatch } from '../src/watch/run.js';
import { auditEvent, deployment, FLUX_LABELS, KUSTOMIZE_CONTROLLER, ARGOCD_CONTROLLER } from '../test/helpers/audit-events.js';
import { formatSpread, interleavedRounds, spread } from './rounds.js';

const EVENTS = 200_000;

/**
 * A day of an API server's audit log in miniature: mostly Metadata-level reads and watches (what
 * default policies log), controller writes with objects, some people's writes, secrets reads, exec.
 */
function auditLog(count: number): string {
  const managed = deployment('web', 'shop', { labels: FLUX_LABELS });
  const templates = [
    JSON.stringify(auditEvent({ verb: 'get', user: 'system:serviceaccount:kube-system:replicaset-controller', resource: 'pods', namespace: 'shop', name: 'web-1', level: 'Metadata' })),
    JSON.stringify(auditEvent({ verb: 'watch', user: ARGOCD_CONTROLLER, resource: 'secrets', level: 'Metadata', query: 'watch=true&resourceVersion=1' })),
    JSON.stringify(auditEvent({ verb: 'list', user: 'system:node:node-1', resource: 'configmaps', namespace: 'shop', level: 'Metadata' })),
    JSON.stringify(auditEvent({ verb: 'update', user: 'system:node:node-1', resource: 'pods', namespace: 'shop', name: 'web-1', subresource: 'status', level: 'Metadata' })),
    JSON.stringify(auditEvent({ verb: 'patch', user: KUSTOMIZE_CONTROLLER, resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web', responseObject: managed, requestObject: { spec: { replicas: 3 } } })),
    JSON.stringify(auditEvent({ verb: 'get', user: KUSTOMIZE_CONTROLLER, resource: 'secrets', namespace: 'flux-system', name: 'sops-age', level: 'Metadata' })),
    JSON.stringify(auditEvent({ verb: 'patch', user: 'jane@example.com', resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web', responseObject: managed })),
    JSON.stringify(auditEvent({ verb: 'create', user: 'jane@example.com', resource: 'pods', namespace: 'shop', name: 'web-1', subresource: 'exec', level: 'Metadata', code: 101 })),
  ];
  // weights: reads dominate a real log
  const mix = [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 0, 1, 2, 3, 4, 0, 1, 2, 6, 7];
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) lines.push(templates[mix[index % mix.length]!]!);
  return `${lines.join('\n')}\n`;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rampart-watch-bench-'));
  try {
    const file = path.join(dir, 'audit.log');
    const text = auditLog(EVENTS);
    writeFileSync(file, text);
    let findings = 0;
    const times = await interleavedRounds(3, {
      // the floor: reading the lines and parsing each as JSON, judging nothing
      baseline: async () => {
        for await (const { text: line } of readLines(file)) if (line) JSON.parse(line);
      },
      watch: async () => {
        findings = (await runWatch({ config: DEFAULT_CONFIG, auditLogs: [file] })).findings.length;
      },
    });
    const base = spread(times['baseline']!);
    const watch = spread(times['watch']!);
    const rate = (ms: number): string => `${Math.round(EVENTS / (ms / 1000)).toLocaleString('en-US')} events/s`;
    process.stdout.write(`audit log: ${EVENTS.toLocaleString('en-US')} events, ${(text.length / 1024 / 1024).toFixed(1)} MiB, ${findings} findings\n`);
    process.stdout.write(`read + JSON.parse (baseline)  min/median/max ${formatSpread(base, 0, ' ms')}  ${rate(base.median)}\n`);
    process.stdout.write(`rampart watch                 min/median/max ${formatSpread(watch, 0, ' ms')}  ${rate(watch.median)}  (${(watch.median / base.median).toFixed(2)}× baseline)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
