import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { scan } from '../src/scan.js';

const MANIFESTS = 10_000;
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.bench', 'scan-10k');

const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Service', 'ConfigMap'] as const;

function manifest(index: number): string {
  const kind = kinds[index % kinds.length]!;
  const name = `app-${index}`;
  const image = index % 3 === 0
    ? `ghcr.io/acme/${name}:1.${index % 17}.0@sha256:${index.toString(16).padStart(64, '0')}`
    : `registry.example.com/team-${index % 40}/${name}:v${index % 9}`;
  const podSpec = (indent: string) => [
    `${indent}containers:`,
    `${indent}  - name: ${name}`,
    `${indent}    image: ${image}`,
    `${indent}    ports:`,
    `${indent}      - containerPort: 8080`,
    `${indent}    resources:`,
    `${indent}      limits: {cpu: 500m, memory: 256Mi}`,
    `${indent}    env:`,
    `${indent}      - name: LOG_LEVEL`,
    `${indent}        value: info`,
  ].join('\n');
  const header = `apiVersion: ${kind === 'CronJob' ? 'batch/v1' : kind === 'Service' || kind === 'ConfigMap' ? 'v1' : 'apps/v1'}\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ns-${index % 50}\n  labels:\n    app: ${name}\n`;
  if (kind === 'Service') return `${header}spec:\n  selector:\n    app: ${name}\n  ports:\n    - port: 80\n      targetPort: 8080\n`;
  if (kind === 'ConfigMap') return `${header}data:\n  config.yaml: |\n    level: info\n    name: ${name}\n`;
  if (kind === 'CronJob') return `${header}spec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${podSpec('          ')}\n`;
  return `${header}spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n${podSpec('      ')}\n`;
}

function generate(): void {
  if (existsSync(path.join(root, 'done'))) return;
  for (let index = 0; index < MANIFESTS; index += 1) {
    const directory = path.join(root, `team-${index % 40}`, `app-${index % 250}`);
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, `${index}.yaml`), manifest(index));
  }
  writeFileSync(path.join(root, 'done'), '');
}

function listYaml(directory: string, into: string[] = []): string[] {
  for (const name of readdirSync(directory)) {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) listYaml(full, into);
    else if (name.endsWith('.yaml')) into.push(full);
  }
  return into;
}

function readAndParse(): { files: number; bytes: number } {
  let bytes = 0;
  const files = listYaml(root);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    parseAllDocuments(text);
  }
  return { files: files.length, bytes };
}

function figures(label: string, files: number, bytes: number, ms: number): string {
  const seconds = ms / 1000;
  return `${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${(files / seconds).toFixed(0).padStart(7)} files/s  ${(bytes / 1024 / 1024 / seconds).toFixed(2).padStart(6)} MB/s`;
}

/** The fastest of `runs` runs of `work`, and its value. */
export async function best<T>(runs: number, work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  let bestMs = Infinity;
  let value: T | undefined;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    value = await work();
    bestMs = Math.min(bestMs, performance.now() - started);
  }
  return { ms: bestMs, value: value as T };
}

export async function run(): Promise<void> {
  generate();
  // warm the page cache and the JIT for both sides
  readAndParse();
  const baseline = await best(3, readAndParse);
  const full = await best(3, () => scan(root, { only: ['image-not-pinned', 'image-latest-tag', 'image-registry-not-allowed', 'image-reference-invalid'] }));
  const everything = await best(3, () => scan(root));
  const { files, bytes } = baseline.value;
  process.stdout.write(`${MANIFESTS} generated manifests, ${(bytes / 1024 / 1024).toFixed(1)} MB\n`);
  process.stdout.write(`${figures('read + parse (yaml, baseline)', files, bytes, baseline.ms)}\n`);
  process.stdout.write(`${figures('rampart scan (image rules)', files, bytes, full.ms)}  ratio ${(full.ms / baseline.ms).toFixed(2)}x\n`);
  process.stdout.write(`${figures('rampart scan (all rules)', files, bytes, everything.ms)}  ratio ${(everything.ms / baseline.ms).toFixed(2)}x  (${everything.value.report.findings.length} findings)\n`);
  process.stdout.write('target: full scan within 2x of read + parse\n');
}
