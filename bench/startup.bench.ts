import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { formatSpread, interleavedRounds, spread } from './rounds.js';

/**
 * Issue 19: start-up. `rampart --version` must cost at most 0.05 s over `node -e 0`, and a scan
 * loads only what it runs. Each run is a fresh process of the built CLI (`npm run build` first);
 * CPU time (user + system) is the process's own, read at its exit, so other work on the machine
 * counts less than in wall time. A separate run of each case lists the files it loads as modules.
 * `RAMPART_STARTUP_ROUNDS` sets the rounds (default 15).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'rampart.js');
const probe = path.join(here, 'startup-probe.mjs');
const empty = path.join(here, '..', '.bench', 'empty-tree');
const tiny = path.join(here, '..', '.bench', 'startup-tiny-tree');

const rampartCases = (cli: string, suffix: string): Record<string, string[]> => ({
  [`rampart --version${suffix}`]: [cli, '--version'],
  [`rampart rules${suffix}`]: [cli, 'rules'],
  [`rampart scan <empty directory>${suffix}`]: [cli, 'scan', empty, '--quiet'],
  [`rampart scan --layer secrets <3 files>${suffix}`]: [cli, 'scan', tiny, '--layer', 'secrets', '--quiet'],
});
/** `RAMPART_STARTUP_COMPARE=<other checkout>/bin/rampart.js` runs its CLI too, interleaved (before/after a change) */
const compare = process.env['RAMPART_STARTUP_COMPARE'];
const CASES: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  ...rampartCases(bin, ''),
  ...(compare ? rampartCases(compare, ' (compared)') : {}),
};

interface Measured {
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** Runs node with the probe; returns what it wrote on fd 3. */
function probed(args: readonly string[], listFiles: boolean): { cpuMs: number; files: Array<{ bytes: number; url: string }> } {
  const child = spawnSync(process.execPath, ['--import', probe, ...args], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    env: { ...process.env, STARTUP_PROBE_FILES: listFiles ? '1' : '0' },
    encoding: 'utf8',
  });
  const lines = String(child.output[3] ?? '').split('\n');
  const cpu = lines.find((line) => line.startsWith('cpu '));
  if (!cpu) throw new Error(`no CPU figure from node ${args.join(' ')} (exit ${child.status})`);
  const files = lines.filter((line) => line.startsWith('file ')).map((line) => {
    const [, bytes, url] = line.split(' ');
    return { bytes: Number(bytes), url: url ?? '' };
  });
  return { cpuMs: Number(cpu.slice(4)) / 1000, files };
}

function writeTinyTree(): void {
  mkdirSync(tiny, { recursive: true });
  writeFileSync(path.join(tiny, 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n');
  writeFileSync(path.join(tiny, 'main.tf'), 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n');
  writeFileSync(path.join(tiny, 'README.md'), '# tiny\n\nA tree for the start-up benchmark.\n');
}

export async function run(): Promise<void> {
  mkdirSync(empty, { recursive: true });
  writeTinyTree();
  const rounds = Number(process.env['RAMPART_STARTUP_ROUNDS'] ?? 15);
  const measured: Record<string, Measured[]> = Object.fromEntries(Object.keys(CASES).map((label) => [label, []]));
  const load = loadavg()[0]!;
  await interleavedRounds(rounds, Object.fromEntries(Object.entries(CASES).map(([label, args]) => [label, () => {
    const started = performance.now();
    const { cpuMs } = probed(args, false);
    measured[label]!.push({ cpuMs, wallMs: performance.now() - started });
  }])));
  // the warm-up round is measured too: drop it
  for (const values of Object.values(measured)) values.shift();
  const node = measured['node -e 0']!;
  process.stdout.write(`start-up, ms min/median/max of ${rounds} interleaved rounds (load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}); over node = per-round difference from node -e 0:\n`);
  process.stdout.write(`  ${'case'.padEnd(51)} ${'CPU'.padEnd(13)} ${'over node'.padEnd(13)} ${'wall'.padEnd(13)} ${'over node'.padEnd(13)} files loaded\n`);
  for (const [label, values] of Object.entries(measured)) {
    const column = (pick: (m: Measured) => number, over: boolean): string => {
      const figures = values.map((m, round) => pick(m) - (over ? pick(node[round]!) : 0));
      return formatSpread(spread(figures), 0).padEnd(13);
    };
    const { files } = probed(CASES[label]!, true);
    const bundled = files.filter((file) => file.url.includes('/dist/bundle/'));
    const kb = Math.round(bundled.reduce((sum, file) => sum + file.bytes, 0) / 1024);
    const isNode = label === 'node -e 0';
    process.stdout.write(`  ${label.padEnd(51)} ${column((m) => m.cpuMs, false)} ${isNode ? ''.padEnd(13) : column((m) => m.cpuMs, true)} ${column((m) => m.wallMs, false)} ${isNode ? ''.padEnd(13) : column((m) => m.wallMs, true)} ${files.length} (${bundled.length} bundle chunks, ${kb} KB)\n`);
  }
}
