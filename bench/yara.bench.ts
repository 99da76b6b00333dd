import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedCommand, writeBenchLayout } from './oci-bench-layout.js';

/**
 * Issue 16: YARA over an image's executables with malcontent's rules (../shared/data/yara/malcontent).
 * The image is this machine's own /usr/bin, /usr/sbin and shared libraries (two gzip layers,
 * RAMPART_BENCH_YARA_MB of executables, default 200). MB per CPU-second, so a loaded machine does
 * not skew it: the CPU of `rampart image --yara-rules malcontent` less that of the same run with
 * Rampart's own rules only, less the rules' one-off compile (the same two runs on a one-file image).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.join(here, '..');
const malcontent = path.join(projectRoot, '..', 'shared', 'data', 'yara', 'malcontent', 'rules');
const totalMb = Number(process.env['RAMPART_BENCH_YARA_MB'] ?? '200');
const root = path.join(projectRoot, '.bench', `yara-${totalMb}mb`);

/** copies regular files of `from` into `to` until `budget` bytes; returns the bytes copied */
function copyExecutables(from: string, to: string, budget: number, accept: (name: string) => boolean): number {
  let copied = 0;
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from).sort()) {
    if (!accept(name)) continue;
    const source = path.join(from, name);
    const info = lstatSync(source);
    if (!info.isFile() || info.size === 0 || copied + info.size > budget) continue;
    copyFileSync(source, path.join(to, name));
    copied += info.size;
  }
  return copied;
}

/** the layouts, and the bytes of executables and libraries in the big one (all of which YARA reads) */
async function buildImages(): Promise<{ layout: string; tiny: string; bytes: number }> {
  const layout = path.join(root, 'layout');
  const tiny = path.join(root, 'tiny');
  const sizeFile = path.join(root, 'scanned-bytes');
  if (!existsSync(path.join(tiny, 'index.json'))) {
    rmSync(root, { recursive: true, force: true });
    const budget = totalMb * 1024 * 1024;
    const bin = path.join(root, 'tree-bin');
    const lib = path.join(root, 'tree-lib');
    let bytes = copyExecutables('/usr/bin', path.join(bin, 'usr', 'bin'), budget / 2, () => true);
    bytes += copyExecutables('/usr/sbin', path.join(bin, 'usr', 'sbin'), budget / 2 - bytes, () => true);
    bytes += copyExecutables('/usr/lib/x86_64-linux-gnu', path.join(lib, 'usr', 'lib', 'x86_64-linux-gnu'), budget - bytes, (name) => /\.so(?:\.[\d.]+)?$/.test(name));
    await writeBenchLayout(layout, [{ tree: bin }, { tree: lib }]);
    const one = path.join(root, 'tree-tiny');
    copyExecutables('/usr/bin', path.join(one, 'usr', 'bin'), Infinity, (name) => name === 'true');
    await writeBenchLayout(tiny, [{ tree: one }]);
    for (const tree of [bin, lib, one]) rmSync(tree, { recursive: true, force: true });
    writeFileSync(sizeFile, String(bytes));
  }
  return { layout, tiny, bytes: Number(readFileSync(sizeFile, 'utf8')) };
}

export async function run(): Promise<void> {
  if (!existsSync(path.join(projectRoot, 'dist', 'bundle', 'main.js'))) throw new Error('run `npm run build` first: the benchmark runs the built command');
  if (!existsSync(malcontent)) {
    process.stdout.write('skipped: ../shared/data/yara/malcontent is not present\n');
    return;
  }
  const { layout, tiny, bytes } = await buildImages();
  const mb = bytes / 1024 / 1024;
  process.stdout.write(`image: ${mb.toFixed(0)} MB of executables and libraries in 2 layers (this machine's /usr/bin, /usr/sbin, shared libraries)\n`);
  const report = path.join(root, 'report.json');
  /** Debian's yara leaves out the rule files it cannot compile (exit 2, incomplete): anything else incomplete is a failure */
  const leftOut = new Map<string, number>();
  const image = (target: string, extra: readonly string[]): ReturnType<typeof timedCommand> => {
    const run = timedCommand(process.execPath, [path.join(projectRoot, 'bin', 'rampart.js'), 'image', target, '-f', 'json', '-o', report, '--fail-on', 'none', '-q', '--no-cache', ...extra], process.env, [0, 1, 2]);
    const { complete, diagnostics } = JSON.parse(readFileSync(report, 'utf8')) as { complete: boolean; diagnostics: Array<{ kind: string; path: string; message: string }> };
    const incomplete = diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete');
    const other = incomplete.find((diagnostic) => !diagnostic.message.includes('cannot compile this YARA rule file'));
    if (other || (!complete && incomplete.length === 0)) throw new Error(`rampart: ${other ? `${other.path}: ${other.message}` : 'incomplete run'}`);
    leftOut.set(extra.join(' '), incomplete.length);
    return run;
  };
  const line = (name: string, value: string): void => { process.stdout.write(`${name.padEnd(44)} ${value}\n`); };
  const engines = (process.env['RAMPART_BENCH_YARA_ENGINES'] ?? 'yara-x,yara').split(',');
  for (const engine of engines) {
    const rules = ['--yara-engine', engine, '--yara-rules', malcontent];
    try {
      image(tiny, rules);
    } catch (error) {
      line(`${engine}: + malcontent`, `cannot run: ${(error as Error).message.split('\n').find((text) => text.startsWith('rampart:')) ?? (error as Error).message.slice(0, 200)}`);
      continue;
    }
    const own = image(layout, ['--yara-engine', engine]);
    const full = image(layout, rules);
    const compile = image(tiny, rules).cpu - image(tiny, ['--yara-engine', engine]).cpu;
    const scanCpu = full.cpu - own.cpu - compile;
    line(`${engine}: Rampart's rules only (baseline)`, `CPU ${own.cpu.toFixed(2)} s, wall ${own.seconds.toFixed(2)} s, peak RSS ${own.rssMb.toFixed(0)} MB`);
    line(`${engine}: + malcontent (${engine === 'yara' ? 'yarac' : 'compile'} ${compile.toFixed(2)} CPU s)`, `CPU ${full.cpu.toFixed(2)} s, wall ${full.seconds.toFixed(2)} s, peak RSS ${full.rssMb.toFixed(0)} MB (target < 400)`);
    const left = leftOut.get(rules.join(' ')) ?? 0;
    if (left > 0) line(`${engine}: rule files it cannot compile, left out`, `${left} (the run exits 2, incomplete)`);
    line(`${engine}: malcontent scan rate`, `${(mb / scanCpu).toFixed(1)} MB per CPU-second (target ≥ 30); with compile ${(mb / (scanCpu + compile)).toFixed(1)}`);
  }
}
