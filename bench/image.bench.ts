import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedCommand, writeBenchLayout } from './oci-bench-layout.js';

/**
 * `rampart image` on a multi-layer OCI layout of ≥ 500 MB (three gzip layers and one zstd layer,
 * text-like files, a dpkg status and npm packages), against just decompressing its layers
 * (`gzip -dc` / `zstd -dc` to /dev/null) in the same run; then a second run on the layer cache.
 * Peak RSS from /usr/bin/time. RAMPART_BENCH_IMAGE_MB changes the size (default 512).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.join(here, '..');
const totalMb = Number(process.env['RAMPART_BENCH_IMAGE_MB'] ?? '512');
const root = path.join(projectRoot, '.bench', `image-${totalMb}mb`);
const layout = path.join(root, 'layout');
const LAYERS = 4;

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

  let decompress = 0;
  let decompressCpu = 0;
  for (const layer of manifest.layers) {
    const blob = path.join(layout, 'blobs', 'sha256', layer.digest.slice(7));
    const tool = layer.mediaType.endsWith('zstd') ? 'zstd -dc' : 'gzip -dc';
    const time = timedCommand('sh', ['-c', `${tool} "${blob}" > /dev/null`]);
    decompress += time.seconds;
    decompressCpu += time.cpu;
  }
  const cacheHome = path.join(root, 'cache');
  rmSync(cacheHome, { recursive: true, force: true });
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
  const command = [path.join(projectRoot, 'bin', 'rampart.js'), 'image', layout, '-f', 'json', '-o', '/dev/null', '--fail-on', 'none', '-q'];
  const cold = timedCommand(process.execPath, command, env);
  const warm = timedCommand(process.execPath, command, env);
  const uncached = timedCommand(process.execPath, [...command, '--no-cache'], env);
  const line = (name: string, value: string): void => { process.stdout.write(`${name.padEnd(44)} ${value}\n`); };
  // the machine may be shared: CPU seconds (every thread) are steadier than wall time
  const ratios = (time: { seconds: number; cpu: number }): string => `${time.seconds.toFixed(2)} s  ${(time.seconds / decompress).toFixed(2)}× baseline; CPU ${time.cpu.toFixed(2)} s  ${(time.cpu / decompressCpu).toFixed(2)}× baseline CPU`;
  line('decompress only (gzip -dc / zstd -dc)', `${decompress.toFixed(2)} s, CPU ${decompressCpu.toFixed(2)} s  (baseline)`);
  line('rampart image, cold (read, verify, inventory)', `${ratios(cold)} (target ≤ 1.5×), peak RSS ${cold.rssMb.toFixed(0)} MB (target < 300)`);
  line('rampart image --no-cache', `${ratios(uncached)}, peak RSS ${uncached.rssMb.toFixed(0)} MB`);
  line('rampart image, warm (layer cache)', `${warm.seconds.toFixed(2)} s  ${((warm.seconds / cold.seconds) * 100).toFixed(1)} % of cold (target ≤ 10 %), peak RSS ${warm.rssMb.toFixed(0)} MB`);
}
