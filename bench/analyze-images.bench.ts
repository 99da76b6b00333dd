import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { freePort } from '../test/helpers/registry.js';
import { debianTrees, VARIANTS } from './debian-layers.js';
import { sh, timedCommand } from './oci-bench-layout.js';
import { formatSpread, spread } from './rounds.js';

/**
 * `rampart scan --analyze-images` over a repository deploying as many images as a corpus repository
 * does (the corpus references 15–75 distinct images per repository; default 30), served by Debian's
 * docker-registry on 127.0.0.1. Each image is a Debian base layer, one of three layers of packages
 * installed on it, and its own application layer (text files, npm packages, a script); the Debian
 * layers are this machine's installed packages with their dpkg metadata (status, info lists,
 * md5sums), as in a real image (debian-layers.ts). Baseline in the same run: downloading every distinct layer once with curl and
 * decompressing it (`gzip -dc`), which is what any analysis must at least do; the difference is
 * the analysis (inventory, vulnerabilities, YARA, tampering, secrets, cache writes). Then a warm
 * run on the layer cache. Rounds interleave the cases (RAMPART_BENCH_ROUNDS, default 3); the cold
 * runs write their CPU split (RAMPART_IMAGE_TIMINGS) and it is printed by part; cold runs without each
 * part of the analysis (RAMPART_BENCH_WITHOUT) show what it costs (RAMPART_BENCH_SPLIT=0 skips them). RAMPART_BENCH_COMPARE=DIR
 * runs another built checkout cold in every round too and checks both report the same findings.
 * RAMPART_IMAGE_TIMINGS_VISITORS=1 adds each layer visitor's own main-thread CPU to the split (at a cost).
 * RAMPART_BENCH_IMAGES and RAMPART_BENCH_APP_MB change the set.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.join(here, '..');
const imageCount = Number(process.env['RAMPART_BENCH_IMAGES'] ?? '30');
const appMb = Number(process.env['RAMPART_BENCH_APP_MB'] ?? '6');
const root = path.join(projectRoot, '.bench', `analyze-images-debian-${imageCount}x${appMb}mb`);
const layout = path.join(root, 'layout');

interface Blob { digest: string; size: number; diffId: string }

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A reproducible gzip layer of `tree` (sorted, fixed owners and times, no gzip name or time) in the layout. */
function layerOf(tree: string): Blob {
  const tar = `${tree}.tar`;
  sh('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-cf', tar, '-C', tree, '.']);
  const diffId = sha256(readFileSync(tar));
  const gz = readFileSync(sh('sh', ['-c', `gzip -n -6 -c "${tar}" > "${tar}.gz" && echo "${tar}.gz"`]).trim());
  rmSync(tar);
  rmSync(`${tar}.gz`);
  const digest = sha256(gz);
  writeFileSync(path.join(layout, 'blobs', 'sha256', digest.slice(7)), gz);
  return { digest, size: gz.length, diffId };
}

function put(bytes: Buffer): { digest: string; size: number } {
  const digest = sha256(bytes);
  writeFileSync(path.join(layout, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { digest, size: bytes.length };
}

function text(seed: number, bytes: number): Buffer {
  const words = ['listen', 'server', 'config', 'return', 'import', 'module', 'value', 'static', 'export', 'handler'];
  const out = Buffer.alloc(bytes);
  let state = seed * 2654435761 >>> 0;
  let at = 0;
  while (at < bytes) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const token = `${words[state % words.length]!}${(state >>> 8) % 1000} `;
    at += out.write(state % 11 === 0 ? `${token}\n` : token, at);
  }
  return out;
}

function appTree(index: number): string {
  const tree = path.join(root, `app-${index}`);
  let written = 0;
  for (let file = 0; written < appMb * 1024 * 1024; file += 1) {
    const size = 16 * 1024 + ((file * 7919 + index) % (512 * 1024));
    const target = path.join(tree, 'srv', 'app', `dir${file % 20}`, `file${file}.js`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text(index * 10_000 + file, size));
    written += size;
  }
  for (let pkg = 0; pkg < 80; pkg += 1) {
    const directory = path.join(tree, 'srv', 'app', 'node_modules', `dep-${(index + pkg) % 200}`);
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, 'package.json'), JSON.stringify({ name: `dep-${(index + pkg) % 200}`, version: `1.${pkg}.${index}` }));
  }
  mkdirSync(path.join(tree, 'usr', 'local', 'bin'), { recursive: true });
  writeFileSync(path.join(tree, 'usr', 'local', 'bin', 'entrypoint.sh'), `#!/bin/sh\nset -e\nexec node /srv/app/dir0/file0.js --instance ${index} "$@"\n`, { mode: 0o755 });
  return tree;
}

/** One OCI layout holding every image, tagged app-0 … app-N: the Debian base, one of the variants' packages, the app. */
async function buildLayout(): Promise<void> {
  if (existsSync(path.join(layout, 'index.json'))) return;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  const trees = await debianTrees(root);
  const base = layerOf(trees.base);
  const variants = trees.variants.map(layerOf);
  for (const tree of [trees.base, ...trees.variants]) rmSync(tree, { recursive: true, force: true });
  const manifests = [];
  for (let index = 0; index < imageCount; index += 1) {
    const tree = appTree(index);
    const app = layerOf(tree);
    rmSync(tree, { recursive: true, force: true });
    const variant = index % VARIANTS.length;
    const layers = [base, variants[variant]!, app];
    const history = [{ created_by: '/bin/sh -c #(nop) ADD file:debian-bookworm.tar.xz in / ' }, { created_by: `RUN apt-get install -y ${VARIANTS[variant]!.join(' ')}` }, { created_by: 'COPY app /srv/app' }];
    const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/usr/local/bin:/usr/bin'] }, rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) }, history })));
    const manifest = put(Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size })),
    })));
    manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': `app-${index}` } });
  }
  writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

/**
 * docker-registry on 127.0.0.1 with its logs discarded: the timed commands run synchronously, and a
 * registry writing its per-request error lines into a pipe nobody reads would stall. Its storage is
 * kept beside the layout, so the images are pushed once, not on every run.
 */
async function startQuietRegistry(): Promise<{ host: string; url: string; stop(): void }> {
  const port = await freePort();
  const storage = path.join(root, 'registry');
  mkdirSync(storage, { recursive: true });
  const config = path.join(root, 'registry.yml');
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 50) {
    const up = await fetch(`${url}/v2/`).then((response) => response.status === 200, () => false);
    if (up) break;
    if (waited > 10_000 || child.exitCode !== null) throw new Error('docker-registry did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { host: `127.0.0.1:${port}`, url, stop: () => { child.kill('SIGTERM'); } };
}

/** skopeo has been seen to stall on a loaded machine: a push that takes a minute is killed and tried again */
function pushWithRetries(args: readonly string[]): void {
  for (let attempt = 1; ; attempt += 1) {
    const result = spawnSync('skopeo', args, { encoding: 'utf8', timeout: 60_000 });
    if (result.status === 0) return;
    if (attempt === 3) throw new Error(`skopeo ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}`);
  }
}

interface Timings { parts: Record<string, number>; mainThreadCpuMs: number; processCpuMs: number }
interface ColdRun { seconds: number; cpu: number; rssMb: number; timings: Timings; report: string }

/** one cold `scan --analyze-images` of `bin` (a fresh cache), with its CPU split and its JSON report */
function coldRun(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, label: string, profile?: string): ColdRun {
  const cacheHome = path.join(root, `cache-${label}`);
  rmSync(cacheHome, { recursive: true, force: true });
  const timingsFile = path.join(root, `timings-${label}.json`);
  const reportFile = path.join(root, `report-${label}.json`);
  rmSync(timingsFile, { force: true });
  const run = timedCommand(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), bin, ...args, '-o', reportFile], { ...env, XDG_CACHE_HOME: cacheHome, RAMPART_IMAGE_TIMINGS: timingsFile });
  const timings = existsSync(timingsFile) ? JSON.parse(readFileSync(timingsFile, 'utf8')) as Timings : { parts: {}, mainThreadCpuMs: Number.NaN, processCpuMs: Number.NaN };
  return { ...run, timings, report: readFileSync(reportFile, 'utf8') };
}

/** what two builds must agree on: findings, diagnostics and image summaries (not timings or versions) */
function comparable(report: string): string {
  const parsed = JSON.parse(report) as { findings: unknown[]; diagnostics: unknown[]; images?: unknown[]; complete: boolean };
  return JSON.stringify({ complete: parsed.complete, findings: parsed.findings, diagnostics: parsed.diagnostics, images: parsed.images });
}

export async function run(): Promise<void> {
  if (!existsSync(path.join(projectRoot, 'dist', 'bundle', 'main.js'))) throw new Error('run `npm run build` first: the benchmark runs the built command');
  const rounds = Number(process.env['RAMPART_BENCH_ROUNDS'] ?? '3');
  // RAMPART_BENCH_COMPARE=DIR: another built checkout (the code before a change), run cold in every round beside this one
  const compare = process.env['RAMPART_BENCH_COMPARE'];
  const started = Date.now();
  await buildLayout();
  const index = JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const layerSets = index.manifests.map(({ digest }) => (JSON.parse(readFileSync(path.join(layout, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as { layers: Array<{ digest: string; size: number }> }).layers);
  const distinct = new Map(layerSets.flat().map((layer) => [layer.digest, layer.size]));
  const storedMb = [...distinct.values()].reduce((sum, size) => sum + size, 0) / 1024 / 1024;
  const registry = await startQuietRegistry();
  try {
    // every image in its own repository, as a repository deploys them; the base layers are shared blobs
    const pushed = path.join(root, 'registry', 'pushed');
    const layoutDigest = sha256(readFileSync(path.join(layout, 'index.json')));
    if (!existsSync(pushed) || readFileSync(pushed, 'utf8') !== layoutDigest) {
      for (let image = 0; image < imageCount; image += 1) {
        pushWithRetries(['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:app-${image}`, `docker://${registry.host}/bench/app-${image}:1.0`]);
      }
      writeFileSync(pushed, layoutDigest);
    }
    process.stdout.write(`images: ${imageCount} (a Debian base layer and one of ${VARIANTS.length} layers of installed packages, shared, of this machine's installed packages with their dpkg metadata; one app layer each), ${distinct.size} distinct layers, ${storedMb.toFixed(0)} MB stored (built and pushed in ${((Date.now() - started) / 1000).toFixed(1)} s); ${rounds} interleaved rounds, min/median/max; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}\n`);

    const repo = path.join(root, 'repo');
    rmSync(repo, { recursive: true, force: true });
    for (let image = 0; image < imageCount; image += 1) {
      const digest = index.manifests[image]!.digest;
      // half pinned by digest, half by tag (resolved by the scan)
      const reference = image % 2 === 0 ? `${registry.host}/bench/app-${image}@${digest}` : `${registry.host}/bench/app-${image}:1.0`;
      mkdirSync(path.join(repo, 'apps'), { recursive: true });
      writeFileSync(path.join(repo, 'apps', `app-${image}.yaml`), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${image}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${reference}\n`);
    }

    // baseline: each distinct layer downloaded once and decompressed, in one shell
    const owner = new Map<string, number>();
    layerSets.forEach((layers, image) => layers.forEach((layer) => { if (!owner.has(layer.digest)) owner.set(layer.digest, image); }));
    const script = [...owner].map(([digest, image]) => `curl -sf ${registry.url}/v2/bench/app-${image}/blobs/${digest} | gzip -dc > /dev/null`).join(' && ');

    const env = { ...process.env };
    delete env['RAMPART_IMAGE_TIMINGS'];
    const bin = path.join(projectRoot, 'bin', 'rampart.js');
    const scanArgs = ['scan', repo, '-f', 'json', '--fail-on', 'none', '-q'];
    const analyze = [...scanArgs, '--analyze-images', '--insecure-registry', registry.host, '--db', path.join(root, 'no-db')];
    const download: Array<ReturnType<typeof timedCommand>> = [];
    const plain: Array<ReturnType<typeof timedCommand>> = [];
    const cold: ColdRun[] = [];
    const before: ColdRun[] = [];
    const warm: Array<ReturnType<typeof timedCommand>> = [];
    // RAMPART_BENCH_SPLIT=0 skips the runs without each part (what each part of the analysis costs)
    const parts = process.env['RAMPART_BENCH_SPLIT'] === '0' ? [] : SPLIT_PARTS;
    const without = parts.map((): ColdRun[] => []);
    for (let round = 0; round < rounds; round += 1) {
      download.push(timedCommand('sh', ['-c', script]));
      plain.push(timedCommand(process.execPath, [bin, ...scanArgs, '-o', '/dev/null'], env));
      // RAMPART_BENCH_PROFILE_COLD=DIR: a CPU profile of the first cold run (one file per thread)
      cold.push(coldRun(bin, analyze, env, 'cold', round === 0 ? process.env['RAMPART_BENCH_PROFILE_COLD'] : undefined));
      if (compare) before.push(coldRun(path.join(compare, 'bin', 'rampart.js'), analyze, env, 'compare'));
      parts.forEach(([, visitors], index) => without[index]!.push(coldRun(bin, analyze, { ...env, RAMPART_BENCH_WITHOUT: visitors }, `without-${index}`)));
      // the warm run reads the layer cache the cold run left; RAMPART_BENCH_PROFILE=DIR: a CPU profile of the first
      const profile = round === 0 ? process.env['RAMPART_BENCH_PROFILE'] : undefined;
      warm.push(timedCommand(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), bin, ...analyze, '-o', '/dev/null'], { ...env, XDG_CACHE_HOME: path.join(root, 'cache-cold') }));
    }
    const findings = JSON.parse(cold[0]!.report) as { findings: unknown[] };
    const line = (name: string, value: string): void => { process.stdout.write(`${name.padEnd(60)} ${value}\n`); };
    const of = (values: readonly number[], digits = 2, unit = ' s'): string => formatSpread(spread(values), digits, unit);
    line('download + decompress each distinct layer (curl | gzip -dc)', `${of(download.map((run) => run.seconds))}, CPU ${of(download.map((run) => run.cpu))}  (baseline)`);
    line('rampart scan, no --analyze-images (fixed cost)', `${of(plain.map((run) => run.seconds))}, CPU ${of(plain.map((run) => run.cpu))}`);
    line('scan --analyze-images, cold cache', `${of(cold.map((run) => run.seconds))}, ${of(cold.map((run, round) => run.seconds / download[round]!.seconds), 2, '×')} baseline; CPU ${of(cold.map((run) => run.cpu))}; peak RSS ${of(cold.map((run) => run.rssMb), 0, ' MB')} (target < 400); ${findings.findings.length} findings`);
    line('  of which download + decompress (baseline)', of(cold.map((run, round) => (download[round]!.seconds / run.seconds) * 100), 0, ' %'));
    line('  of which scan without images', of(cold.map((run, round) => (plain[round]!.seconds / run.seconds) * 100), 0, ' %'));
    line('  of which analysis (the rest)', of(cold.map((run, round) => ((run.seconds - download[round]!.seconds - plain[round]!.seconds) / run.seconds) * 100), 0, ' %'));
    process.stdout.write('  wall-time split of the cold run (s; the images are a pipeline: one reads layers while the next downloads):\n');
    for (const [name, value] of wallSplit(cold)) line(`    ${name}`, of(value));
    process.stdout.write('  CPU split of the cold run (s; measuring costs the main thread ~0.1 s):\n');
    for (const [name, value] of cpuSplit(cold, plain)) line(`    ${name}`, of(value));
    if (parts.length > 0) {
      process.stdout.write('  what each part costs: the cold run\'s CPU less that of a cold run without it (RAMPART_BENCH_WITHOUT, same rounds):\n');
      parts.forEach(([name], index) => {
        const runs = without[index]!;
        line(`    ${name}`, `${of(cold.map((run, round) => run.cpu - runs[round]!.cpu))} of CPU (${of(cold.map((run, round) => ((run.cpu - runs[round]!.cpu) / run.cpu) * 100), 0, ' %')}); the run without it ${of(runs.map((run) => run.cpu))}`);
      });
      const reading = without[parts.length - 1]!;
      line('  bound by', `cold CPU ${of(cold.map((run, round) => run.cpu / download[round]!.cpu), 2, '×')} the floor's; reading alone (every part left out, the scan included) ${of(reading.map((run, round) => run.cpu / download[round]!.cpu), 2, '×')}`);
    }
    if (compare) {
      line(`before (${compare}), cold`, `${of(before.map((run) => run.seconds))}, this build's wall ${of(cold.map((run, round) => run.seconds / before[round]!.seconds), 2, '×')} of it; CPU ${of(before.map((run) => run.cpu))}, this build's CPU ${of(cold.map((run, round) => run.cpu / before[round]!.cpu), 2, '×')} of it; peak RSS ${of(before.map((run) => run.rssMb), 0, ' MB')}`);
      const beforeWall = wallSplit(before);
      if (beforeWall.length > 0) {
        process.stdout.write('  its wall-time split:\n');
        for (const [name, value] of beforeWall) line(`    ${name}`, of(value));
      }
      if (before.every((run) => Number.isFinite(run.timings.mainThreadCpuMs))) {
        process.stdout.write('  its CPU split:\n');
        for (const [name, value] of cpuSplit(before, plain)) line(`    ${name}`, of(value));
      }
      const same = [...cold, ...before].every((run) => comparable(run.report) === comparable(cold[0]!.report));
      line('findings, diagnostics and images of every cold run, both builds', same ? 'identical' : 'DIFFER (see .bench/…/report-cold.json and report-compare.json)');
    }
    line('scan --analyze-images, warm (layer cache)', `${of(warm.map((run) => run.seconds))}, ${of(warm.map((run, round) => (run.seconds / cold[round]!.seconds) * 100), 1, ' %')} of cold; peak RSS ${of(warm.map((run) => run.rssMb), 0, ' MB')}`);
  } finally {
    registry.stop();
  }
}

/** the parts of the analysis measured by leaving them out (layer visitors by class), the last one every part */
const SPLIT_PARTS: ReadonlyArray<readonly [string, string]> = [
  ['YARA (hand-off, dedupe digests, the worker)', 'YaraLayerScanner'],
  ['package inventory (and all that follows from it)', 'PackageCollector'],
  ['secret scan', 'LayerSecretScanner'],
  ['file digests for the tampering checks', 'FileDigestCollector'],
  ['every part above and the executable probe', 'YaraLayerScanner,PackageCollector,LayerSecretScanner,FileDigestCollector,ExecutableProbe'],
];

/**
 * The cold runs' wall time by stage: how long any layer blob was downloading, how long layers were
 * being read (one image at a time) and of that waiting for a download, the tail after the last
 * layer was read, and the analysis not hidden behind the downloads (the images' time less the time
 * anything was downloading).
 */
function wallSplit(runs: readonly ColdRun[]): Array<[string, number[]]> {
  const part = (run: ColdRun, name: string): number => (run.timings.parts[name] ?? Number.NaN) / 1000;
  const rows: Array<[string, number[]]> = [
    ['images, all of it', runs.map((run) => part(run, 'wall: images, all of it'))],
    ['  downloading layer blobs (any download running)', runs.map((run) => part(run, 'wall: downloading blobs'))],
    ['  analysis not hidden behind a download', runs.map((run) => part(run, 'wall: images, all of it') - part(run, 'wall: downloading blobs'))],
    ['  reading layers (one image at a time)', runs.map((run) => part(run, 'wall: reading layers'))],
    ['    of which waiting for a download', runs.map((run) => part(run, 'wall: reading layers, waiting for a download'))],
    ['    of which waiting for the workers at layer ends', runs.map((run) => part(run, 'wall: layer ends, waiting for the workers'))],
    ['  after the last layer was read (the last image\'s tail)', runs.map((run) => part(run, 'wall: after the last layer was read'))],
  ];
  return rows.filter(([, values]) => values.every((value) => Number.isFinite(value)));
}

/** the cold runs' CPU by part: the rest of the main thread is reading layers (HTTP, gunzip, tar, layer digests) */
function cpuSplit(runs: readonly ColdRun[], plain: ReadonlyArray<{ cpu: number }>): Array<[string, number[]]> {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.timings.parts)))].sort();
  const part = (run: ColdRun, name: string): number => (run.timings.parts[name] ?? 0) / 1000;
  const visitors = names.filter((name) => name.startsWith('visitor '));
  const rows: Array<[string, number[]]> = [
    ['process (all threads)', runs.map((run) => run.cpu)],
    ['  scan without images (its own run)', plain.map((run) => run.cpu)],
    ['  main thread', runs.map((run) => run.timings.mainThreadCpuMs / 1000)],
    // with two images in flight, the CPU of the one finishing while the other reads falls in `layers read` too
    ['      layers read', runs.map((run) => part(run, 'layers read (main thread)'))],
    // per visitor only with RAMPART_IMAGE_TIMINGS_VISITORS=1 (its CPU readings cost the main thread ~0.3 s)
    ...(visitors.length > 0 ? [['        download, gunzip, tar, layer digests (the rest)', runs.map((run) => part(run, 'layers read (main thread)') - visitors.reduce((sum, name) => sum + part(run, name), 0))] as [string, number[]]] : []),
    ...visitors.map((name): [string, number[]] => [`        ${name}`, runs.map((run) => part(run, name))]),
    ['      tamper checks', runs.map((run) => part(run, 'tamper checks'))],
    ['    vulnerability matching', runs.map((run) => part(run, 'vulnerability matching'))],
    // the reading the floor also does: the blob read from its file, its SHA-256 and the tar's, gunzip (Node's zlib is ~2x faster than gzip -dc)
    ['  layer worker: read, hash, decompress', runs.map((run) => part(run, 'layer worker: read, hash, decompress'))],
    ['  YARA worker: compile', runs.map((run) => part(run, 'YARA worker: compile'))],
    ['  YARA worker: scan', runs.map((run) => part(run, 'YARA worker: scan'))],
    ['  other threads (V8 compiler and GC helpers, secret workers, libuv)', runs.map((run) => run.cpu - run.timings.mainThreadCpuMs / 1000 - part(run, 'layer worker: read, hash, decompress') - part(run, 'YARA worker: compile') - part(run, 'YARA worker: scan'))],
  ];
  return rows.filter(([, values]) => values.every((value) => Number.isFinite(value)));
}
