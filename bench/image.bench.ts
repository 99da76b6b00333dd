import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { timedCommand, writeBenchLayout } from './oci-bench-layout.js';

/**
 * `rampart image` on a multi-layer OCI layout of ≥ 500 MB (three gzip layers and one zstd layer,
 * text-like files, a dpkg status and npm packages), against just decompressing its layers
 * (`gzip -dc` / `zstd -dc` to /dev/null) in the same run; then a second run on the cache (answered by the result cache).
 * Peak RSS from /usr/bin/time. RAMPART_BENCH_IMAGE_MB changes the size (default 512),
 * RAMPART_BENCH_ROUNDS the number of interleaved rounds (default 3). RAMPART_BENCH_COMPARE=DIR runs
 * another built checkout (the code before a change) first and second on its own cache in every round
 * too, and checks both builds report the same. Each round's figures are printed with the load average at its start.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.join(here, '..');
const totalMb = Number(process.env['RAMPART_BENCH_IMAGE_MB'] ?? '512');
const root = path.join(projectRoot, '.bench', `image-${totalMb}mb`);
const layout = path.join(root, 'layout');
const LAYERS = 4;

type Timed = { seconds: number; cpu: number; rssMb: number };

/** what two builds must agree on: findings, images (inventory, digests) and diagnostics, not timings or versions */
function comparable(file: string): string {
  const { tool: _tool, ...rest } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return JSON.stringify(rest, (key, value: unknown) => (/^(?:durationMs|timings|generatedAt|started|finished)$/.test(key) ? undefined : value));
}

/** Text that compresses like source code and configs do (about 3:1), quickly made. */
function fileContent(seed: number, bytes: number): Buffer {
  const words = ['alpha', 'config', 'server', 'value', 'listen', 'return', 'function', 'import', 'static', 'module', 'export', 'const'];
  const out = Buffer.alloc(bytes);
  let state = seed * 2654435761 >>> 0;
  let at = 0;
  while (at < bytes) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const word = words[state % words.length]!;
    const token = `${word}${(state >>> 8) % 10000} `;
    at += out.write(state % 9 === 0 ? `${token}\n` : token, at);
  }
  return out;
}

async function buildLayout(): Promise<void> {
  if (existsSync(path.join(layout, 'index.json'))) return;
  rmSync(root, { recursive: true, force: true });
  const perLayer = Math.ceil((totalMb * 1024 * 1024) / LAYERS / 3); // compressed ≈ a third of the tar
  const trees: Array<{ tree: string; zstd: boolean }> = [];
  for (let index = 0; index < LAYERS; index += 1) {
    const tree = path.join(root, `tree-${index}`);
    let written = 0;
    for (let file = 0; written < perLayer * 3; file += 1) {
      const size = 64 * 1024 + ((file * 7919) % (4 * 1024 * 1024));
      const target = path.join(tree, 'srv', `layer${index}`, `dir${file % 50}`, `file${file}.txt`);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, fileContent(index * 100_000 + file, size));
      written += size;
    }
    if (index === 0) {
      mkdirSync(path.join(tree, 'var', 'lib', 'dpkg'), { recursive: true });
      writeFileSync(path.join(tree, 'var', 'lib', 'dpkg', 'status'), readFileSync('/var/lib/dpkg/status'));
      mkdirSync(path.join(tree, 'etc'), { recursive: true });
      writeFileSync(path.join(tree, 'etc', 'os-release'), readFileSync('/etc/os-release'));
      for (let pkg = 0; pkg < 500; pkg += 1) {
        const directory = path.join(tree, 'usr', 'lib', 'node_modules', `pkg-${pkg}`);
        mkdirSync(directory, { recursive: true });
        writeFileSync(path.join(directory, 'package.json'), JSON.stringify({ name: `pkg-${pkg}`, version: `1.${pkg}.0` }));
      }
    }
    trees.push({ tree, zstd: index === LAYERS - 1 });
  }
  await writeBenchLayout(layout, trees);
  for (const { tree } of trees) rmSync(tree, { recursive: true, force: true });
}

export async function run(): Promise<void> {
  if (!existsSync(path.join(projectRoot, 'dist', 'bundle', 'main.js'))) throw new Error('run `npm run build` first: the benchmark runs the built command');
  const started = Date.now();
  await buildLayout();
  const manifest = JSON.parse(readFileSync(path.join(layout, 'blobs', 'sha256', (JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> }).manifests[0]!.digest.slice(7)), 'utf8')) as { layers: Array<{ digest: string; size: number; mediaType: string }> };
  const stored = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
  process.stdout.write(`image: ${manifest.layers.length} layers, ${(stored / 1024 / 1024).toFixed(0)} MB stored (built or reused in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);

  const cacheHome = path.join(root, 'cache');
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
  const command = [path.join(projectRoot, 'bin', 'rampart.js'), 'image', layout, '-f', 'json', '-o', '/dev/null', '--fail-on', 'none', '-q'];
  const compare = process.env['RAMPART_BENCH_COMPARE'];
  const compareCacheHome = path.join(root, 'cache-compare');
  const compareEnv = { ...process.env, XDG_CACHE_HOME: compareCacheHome };
  const compareCommand = (bin: string, report: string): string[] => [path.join(bin, 'bin', 'rampart.js'), 'image', layout, '-f', 'json', '-o', report, '--fail-on', 'none', '-q'];
  const reports = { current: path.join(root, 'report-current.json'), compare: path.join(root, 'report-compare.json') };
  let same = true;
  const rounds = Math.max(1, Number(process.env['RAMPART_BENCH_ROUNDS'] ?? '3'));
  const loadBefore = loadavg()[0]!;
  const results: Array<{ load: number; decompress: Timed; cold: Timed; warm: Timed; uncached: Timed; before?: { cold: Timed; warm: Timed } }> = [];
  // interleaved: each round times the baseline, a first run (empty cache), a second run on that cache and a --no-cache run
  for (let round = 0; round < rounds; round += 1) {
    const load = loadavg()[0]!;
    const decompress = { seconds: 0, cpu: 0, rssMb: 0 };
    for (const layer of manifest.layers) {
      const blob = path.join(layout, 'blobs', 'sha256', layer.digest.slice(7));
      const tool = layer.mediaType.endsWith('zstd') ? 'zstd -dc' : 'gzip -dc';
      const time = timedCommand('sh', ['-c', `${tool} "${blob}" > /dev/null`]);
      decompress.seconds += time.seconds;
      decompress.cpu += time.cpu;
    }
    rmSync(cacheHome, { recursive: true, force: true });
    const cold = timedCommand(process.execPath, command, env);
    const warm = timedCommand(process.execPath, command, env);
    const uncached = timedCommand(process.execPath, [...command, '--no-cache'], env);
    if (!compare) {
      results.push({ load, decompress, cold, warm, uncached });
      continue;
    }
    rmSync(compareCacheHome, { recursive: true, force: true });
    const before = { cold: timedCommand(process.execPath, compareCommand(compare, reports.compare), compareEnv), warm: timedCommand(process.execPath, compareCommand(compare, '/dev/null'), compareEnv) };
    timedCommand(process.execPath, compareCommand(projectRoot, reports.current), { ...env, XDG_CACHE_HOME: path.join(root, 'cache-report') });
    rmSync(path.join(root, 'cache-report'), { recursive: true, force: true });
    same &&= comparable(reports.current) === comparable(reports.compare);
    results.push({ load, decompress, cold, warm, uncached, before });
  }
  const spread = (values: number[], digits = 2, unit = ''): string => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${sorted[0]!.toFixed(digits)} / ${sorted[Math.floor((sorted.length - 1) / 2)]!.toFixed(digits)} / ${sorted.at(-1)!.toFixed(digits)}${unit}`;
  };
  const line = (name: string, value: string): void => { process.stdout.write(`${name.padEnd(40)} ${value}\n`); };
  process.stdout.write(`${rounds} interleaved rounds, min / median / max; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after\n`);
  results.forEach((r, round) => process.stdout.write(`  round ${round + 1}: load ${r.load.toFixed(1)}; CPU s: decompress ${r.decompress.cpu.toFixed(2)}, first ${r.cold.cpu.toFixed(2)} (${(r.cold.cpu / r.decompress.cpu).toFixed(2)}×), --no-cache ${r.uncached.cpu.toFixed(2)} (${(r.uncached.cpu / r.decompress.cpu).toFixed(2)}×), second ${r.warm.cpu.toFixed(2)} (${((r.warm.cpu / r.cold.cpu) * 100).toFixed(1)} % of the first); peak RSS ${r.cold.rssMb.toFixed(0)} MB\n`));
  line('decompress only (gzip -dc / zstd -dc)', `${spread(results.map((r) => r.decompress.seconds), 2, ' s')}, CPU ${spread(results.map((r) => r.decompress.cpu), 2, ' s')}  (baseline)`);
  // the machine may be shared: CPU seconds (every thread) are steadier than wall time
  const ratios = (pick: (r: (typeof results)[number]) => Timed): string =>
    `${spread(results.map((r) => pick(r).seconds), 2, ' s')} = ${spread(results.map((r) => pick(r).seconds / r.decompress.seconds), 2, '×')} baseline; CPU ${spread(results.map((r) => pick(r).cpu), 2, ' s')} = ${spread(results.map((r) => pick(r).cpu / r.decompress.cpu), 2, '×')} baseline CPU; peak RSS ${spread(results.map((r) => pick(r).rssMb), 0, ' MB')}`;
  line('rampart image, first run (empty cache)', `${ratios((r) => r.cold)}  (target ≤ 1.5×, < 300 MB)`);
  line('rampart image --no-cache', ratios((r) => r.uncached));
  const befores = results.flatMap((r) => (r.before ? [{ before: r.before, decompress: r.decompress, cold: r.cold, warm: r.warm }] : []));
  if (befores.length > 0) {
    line(`before (${compare}), first run`, `${spread(befores.map((r) => r.before.cold.seconds), 2, ' s')}; CPU ${spread(befores.map((r) => r.before.cold.cpu), 2, ' s')} = ${spread(befores.map((r) => r.before.cold.cpu / r.decompress.cpu), 2, '×')} baseline CPU; this build's CPU ${spread(befores.map((r) => r.cold.cpu / r.before.cold.cpu), 2, '×')} of it; peak RSS ${spread(befores.map((r) => r.before.cold.rssMb), 0, ' MB')}`);
    line(`before (${compare}), second run`, `${spread(befores.map((r) => r.before.warm.seconds), 2, ' s')}; CPU ${spread(befores.map((r) => r.before.warm.cpu), 2, ' s')}; this build's CPU ${spread(befores.map((r) => r.warm.cpu / r.before.warm.cpu), 2, '×')} of it`);
    line('reports of both builds (first run)', same ? 'identical' : `DIFFER (${reports.current}, ${reports.compare})`);
  }
  line('rampart image, second run (cache)', `${spread(results.map((r) => r.warm.seconds), 2, ' s')} = ${spread(results.map((r) => (r.warm.seconds / r.cold.seconds) * 100), 1, ' %')} of the first run (target ≤ 10 %); CPU ${spread(results.map((r) => r.warm.cpu), 2, ' s')} = ${spread(results.map((r) => (r.warm.cpu / r.cold.cpu) * 100), 1, ' %')}; peak RSS ${spread(results.map((r) => r.warm.rssMb), 0, ' MB')}`);
}
