import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DETECTORS } from '../src/secrets/catalogue.js';
import { formatSpread, spread } from './rounds.js';
import { fastExportArguments } from '../src/sources/git/fast-export.js';

const COMMITS = 20_000;
const MANIFESTS = 600;
const MERGE_EVERY = 1_000;
const SECRET_EVERY = 997;
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, '.bench');
const repo = path.join(cacheDir, 'secrets-history');
const marker = path.join(cacheDir, `secrets-history-v2-${COMMITS}-${MANIFESTS}.done`);

/** Two directory levels (25 teams × 24 apps) keep each commit's rewritten trees small, as real monorepos do. */
const manifestPath = (app: number, file = 'deployment.yaml'): string => `apps/team-${app % 25}/app-${app}/${file}`;

function manifest(app: number, revision: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${app}
  namespace: team-${app % 12}
  labels: {app.kubernetes.io/name: app-${app}, revision: "${revision}"}
spec:
  replicas: ${1 + (revision % 5)}
  selector:
    matchLabels: {app.kubernetes.io/name: app-${app}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: app-${app}}
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/app-${app}:1.${revision}.0
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: FEATURE_FLAGS, value: "checkout,search,rev-${revision}"}
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: app-${app}-db, key: password}}
          resources:
            requests: {cpu: ${100 + (revision % 7) * 50}m, memory: ${128 + (revision % 3) * 64}Mi}
            limits: {memory: 512Mi}
          ports: [{containerPort: 8080, name: http}]
`;
}

/** A fast-import stream: 600 manifests, then one small change per commit, feature branches merged every 1,000 commits, and fake secrets added now and then. */
export function fastImportStream(): Buffer {
  const parts: string[] = [];
  const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const samples = DETECTORS.filter((detector) => !detector.id.includes('generic')).map((detector) => detector.samples.positives[0]!.replace(/ # expect:[^\n]*/g, ''));
  let mark = 0;
  let mainHead = 0;
  const heads = new Map<string, number>();
  const commit = (branch: string, from: number, merge: number | undefined, files: Array<[string, string | null]>, index: number): number => {
    mark += 1;
    const when = 1_600_000_000 + index * 60;
    parts.push(`commit refs/heads/${branch}\nmark :${mark}\nauthor Dev ${index % 7} <dev${index % 7}@acme.test> ${when} +0000\ncommitter Dev <dev@acme.test> ${when} +0000\n${data(`change ${index}`)}`);
    // `from` only where the branch does not already point there: it makes fast-import reload the tree
    if (from > 0 && heads.get(branch) !== from) parts.push(`from :${from}\n`);
    heads.set(branch, mark);
    if (merge !== undefined) parts.push(`merge :${merge}\n`);
    for (const [file, text] of files) parts.push(text === null ? `D ${file}\n` : `M 100644 inline ${file}\n${data(text)}`);
    return mark;
  };
  mainHead = commit('main', 0, undefined, Array.from({ length: MANIFESTS }, (_, app) => [manifestPath(app), manifest(app, 0)]), 0);
  let index = 1;
  while (index < COMMITS) {
    if (index % MERGE_EVERY === 0 && index + 6 < COMMITS) {
      let feature = mainHead;
      for (let step = 0; step < 5; step += 1, index += 1) feature = commit(`feature-${index}`, feature, undefined, [[manifestPath((index * 7) % MANIFESTS), manifest((index * 7) % MANIFESTS, index)]], index);
      const secret = samples[index % samples.length]!;
      mainHead = commit('main', mainHead, feature, [[manifestPath(index % MANIFESTS, 'merge-notes.yaml'), `# resolved while merging\n${secret}\n`]], index);
      index += 1;
      continue;
    }
    const app = (index * 31) % MANIFESTS;
    const files: Array<[string, string | null]> = [[manifestPath(app), manifest(app, index)]];
    if (index % SECRET_EVERY === 0) files.push([manifestPath(app, 'config.env'), `${samples[index % samples.length]}\n`]);
    if (index % SECRET_EVERY === 5) files.push([manifestPath(((index - 5) * 31) % MANIFESTS, 'config.env'), null]);
    mainHead = commit('main', mainHead, undefined, files, index);
    index += 1;
  }
  return Buffer.from(parts.join(''));
}

function ensureRepository(): void {
  if (existsSync(marker) && existsSync(path.join(repo, '.git'))) return;
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  const started = performance.now();
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: repo, stdio: 'inherit' });
  const imported = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: fastImportStream(), maxBuffer: 1 << 30 });
  if (imported.status !== 0) throw new Error(`git fast-import failed: ${imported.stderr.toString()}`);
  spawnSync('git', ['reset', '-q', '--hard', 'main'], { cwd: repo, stdio: 'inherit' });
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  process.stdout.write(`generated ${COMMITS} commits over ${MANIFESTS} manifests in ${((performance.now() - started) / 1000).toFixed(1)}s (cached in .bench/)\n`);
}

/** Wall time of a command whose output goes to /dev/null. */
function timed(command: string, args: readonly string[], cwd: string): Promise<number> {
  return timedWithCpu(command, args, cwd).then((time) => time.wall);
}

/** Wall and CPU time (the process and the children it waited for, git included) of a command whose output goes to /dev/null. */
function timedWithCpu(command: string, args: readonly string[], cwd: string): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const started = performance.now();
    // /usr/bin/time's report goes to a file of its own, the command's output to /dev/null
    const report = path.join(cacheDir, `time-${process.pid}.txt`);
    const child = spawn('/usr/bin/time', ['-o', report, '-f', '%U %S', command, ...args], { cwd, stdio: ['ignore', devNull, devNull] });
    child.on('error', reject);
    child.on('close', () => {
      closeSync(devNull);
      const wall = (performance.now() - started) / 1000;
      const [user = 0, system = 0] = readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      rmSync(report, { force: true });
      resolve({ wall, cpu: user + system });
    });
  });
}

/**
 * Whole history of one repository, interleaved rounds: `git log -p -U0 --all` (what gitleaks reads)
 * against the `git fast-export` Rampart reads history from (alone) and `scan --history` of the
 * secrets layer and of every layer; min/median/max of the rounds'
 * ratios, of wall time and of CPU time (a loaded machine moves wall time most).
 */
async function historyRounds(label: string, repository: string, rounds: number): Promise<void> {
  const rampart = path.join(root, 'bin', 'rampart.js');
  const report = path.join(cacheDir, 'history-rounds-report.json');
  const cases: Record<string, [string, string[]]> = {
    'git log -p -U0 --all --full-history': ['git', ['log', '-p', '-U0', '--all', '--full-history']],
    // the git process Rampart walks whole history with, timed alone (the blobs then come from `git cat-file --batch`)
    'git fast-export --no-data (rampart\'s walk)': ['git', fastExportArguments(['--all'])],
    'rampart scan --history --layer secrets': [process.execPath, [rampart, 'scan', repository, '--history', '--layer', 'secrets', '-f', 'json', '-o', report, '--fail-on', 'none', '-q']],
    'rampart scan --history (every layer)': [process.execPath, [rampart, 'scan', repository, '--history', '-f', 'json', '-o', report, '--fail-on', 'none', '-q']],
    // what every layer adds to a history scan is the working tree's other layers: the same scan without history, apart
    'rampart scan, working tree (every layer)': [process.execPath, [rampart, 'scan', repository, '-f', 'json', '-o', report, '--fail-on', 'none', '-q']],
    'rampart scan, working tree (secrets)': [process.execPath, [rampart, 'scan', repository, '--layer', 'secrets', '-f', 'json', '-o', report, '--fail-on', 'none', '-q']],
  };
  const times: Record<string, Array<{ wall: number; cpu: number }>> = {};
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, [command, args]] of Object.entries(cases)) (times[name] ??= []).push(await timedWithCpu(command, args, repository));
  }
  const [baseline, ...others] = Object.keys(cases);
  const base = times[baseline!]!;
  process.stdout.write(`${label} (${rounds} interleaved rounds, min/median/max):\n`);
  process.stdout.write(`  ${baseline!.padEnd(40)} wall ${formatSpread(spread(base.map((t) => t.wall)), 2, ' s')}  CPU ${formatSpread(spread(base.map((t) => t.cpu)), 2, ' s')}\n`);
  for (const name of others) {
    const mine = times[name]!;
    const wall = spread(mine.map((t, round) => t.wall / base[round]!.wall));
    const cpu = spread(mine.map((t, round) => t.cpu / base[round]!.cpu));
    process.stdout.write(`  ${name.padEnd(40)} wall ${formatSpread(spread(mine.map((t) => t.wall)), 2, ' s')} (${formatSpread(wall, 2)}×)  CPU ${formatSpread(spread(mine.map((t) => t.cpu)), 2, ' s')} (${formatSpread(cpu, 2)}×)\n`);
  }
}

/**
 * Long-history repositories cloned by hand into `.bench/real-history/<name>` (not committed; see
 * the README). A partial clone is left out: `git log -p` would fetch the blobs it lacks over the
 * network; `bench/complete-copy.sh` makes a complete copy of one.
 */
function realHistories(): string[] {
  const directory = path.join(cacheDir, 'real-history');
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(directory, entry.name, '.git')))
    .map((entry) => path.join(directory, entry.name))
    .filter((repository) => {
      const promisor = spawnSync('git', ['config', '--get-regexp', '^(extensions\\.partialclone|remote\\..*\\.promisor)$'], { cwd: repository, encoding: 'utf8' }).stdout.trim();
      if (promisor !== '') process.stdout.write(`(${path.basename(repository)} is a partial clone, skipped: sh bench/complete-copy.sh ${repository} <copy> makes a complete copy)\n`);
      return promisor === '';
    })
    .sort();
}

export async function run(): Promise<void> {
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  ensureRepository();
  const rampart = path.join(root, 'bin', 'rampart.js');
  const report = path.join(cacheDir, 'secrets-history-report.json');
  const reportAll = path.join(cacheDir, 'secrets-history-report-all.json');

  // RAMPART_SECRETS_HISTORY=0: the working-tree comparison only (minutes less)
  if (process.env['RAMPART_SECRETS_HISTORY'] !== '0') await historyBenchmarks(rampart, report, reportAll);
  const rcPath = path.join(cacheDir, 'secretlintrc.json');
  writeFileSync(rcPath, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  const secretlint = path.join(root, 'node_modules', '.bin', 'secretlint');
  const secretsOnly = ['--layer', 'secrets'];
  // interleaved rounds, each ratio taken within its round (wall and CPU: user + system of the process and its children)
  const rounds = Number(process.env['RAMPART_SECRETS_TREE_ROUNDS'] ?? 3);
  const times: Record<'lint' | 'tree' | 'secrets', Array<{ wall: number; cpu: number }>> = { lint: [], tree: [], secrets: [] };
  for (let round = 0; round < rounds; round += 1) {
    times.lint.push(await timedWithCpu(secretlint, ['--secretlintrc', rcPath, '**/*'], repo));
    times.tree.push(await timedWithCpu(process.execPath, [rampart, 'scan', repo, '-f', 'json', '-o', report, '--fail-on', 'none', '-q'], root));
    times.secrets.push(await timedWithCpu(process.execPath, [rampart, 'scan', repo, '-f', 'json', '-o', report, '--fail-on', 'none', '-q', ...secretsOnly], root));
  }
  const faster = (mine: ReadonlyArray<{ wall: number; cpu: number }>, pick: (time: { wall: number; cpu: number }) => number): string =>
    formatSpread(spread(mine.map((time, round) => pick(times.lint[round]!) / pick(time))), 1);
  process.stdout.write(`working tree (${MANIFESTS} manifests; ${rounds} interleaved rounds, min/median/max; "faster" = secretlint's time / rampart's in the same round):\n`);
  process.stdout.write(`  secretlint 12.0.0 + preset-recommend   wall ${formatSpread(spread(times.lint.map((t) => t.wall)), 2, ' s')}  CPU ${formatSpread(spread(times.lint.map((t) => t.cpu)), 2, ' s')}  (baseline)\n`);
  for (const [label, mine] of [['rampart scan (every layer)           ', times.tree], ['rampart scan (secrets layer only)    ', times.secrets]] as const) {
    process.stdout.write(`  ${label}  wall ${formatSpread(spread(mine.map((t) => t.wall)), 2, ' s')} (${faster(mine, (t) => t.wall)}× faster)  CPU ${formatSpread(spread(mine.map((t) => t.cpu)), 2, ' s')} (${faster(mine, (t) => t.cpu)}× faster)\n`);
  }
}

async function historyBenchmarks(rampart: string, report: string, reportAll: string): Promise<void> {
  // interleaved rounds: a machine whose speed drifts affects both sides of each ratio alike
  const rounds: Array<{ gitLog: number; secrets: number; every: number }> = [];
  for (let round = 0; round < 5; round += 1) {
    const gitLog = await timed('git', ['log', '-p', '-U0', '--all', '--full-history'], repo);
    const secrets = await timed(process.execPath, [rampart, 'scan', repo, '--history', '--layer', 'secrets', '-f', 'json', '-o', report, '--fail-on', 'none', '-q'], root);
    const every = await timed(process.execPath, [rampart, 'scan', repo, '--history', '-f', 'json', '-o', reportAll, '--fail-on', 'none', '-q'], root);
    rounds.push({ gitLog, secrets, every });
  }
  const found = (JSON.parse(readFileSync(report, 'utf8')) as { findings: Array<{ layer: string }> }).findings.filter((finding) => finding.layer === 'secrets').length;
  const fastest = (pick: (round: (typeof rounds)[number]) => number): number => Math.min(...rounds.map(pick));
  const medianRatio = (pick: (round: (typeof rounds)[number]) => number): number => {
    const ratios = rounds.map((round) => pick(round) / round.gitLog).sort((a, b) => a - b);
    return ratios[Math.floor(ratios.length / 2)]!;
  };
  process.stdout.write(`history (${COMMITS} commits, ${MANIFESTS} manifests; best of ${rounds.length} interleaved rounds, ratio = median of the rounds' ratios):\n`);
  process.stdout.write(`  git log -p -U0 --all --full-history > /dev/null     ${fastest((r) => r.gitLog).toFixed(2)}s  (baseline: what gitleaks reads before scanning)\n`);
  process.stdout.write(`  rampart scan --history --layer secrets (whole run) ${fastest((r) => r.secrets).toFixed(2)}s  (${medianRatio((r) => r.secrets).toFixed(2)}× the baseline; ${found} secrets findings)\n`);
  process.stdout.write(`  rampart scan --history (every layer, whole run)    ${fastest((r) => r.every).toFixed(2)}s  (${medianRatio((r) => r.every).toFixed(2)}× the baseline)\n`);

  await historyRounds(`history, ${COMMITS} generated commits`, repo, Number(process.env['RAMPART_HISTORY_ROUNDS'] ?? 5));
  const real = realHistories();
  if (real.length === 0) process.stdout.write('(no repository under .bench/real-history/: the real long-history rounds are skipped; see the README)\n');
  for (const repository of real) {
    const commits = spawnSync('git', ['rev-list', '--all', '--count'], { cwd: repository, encoding: 'utf8' }).stdout.trim();
    await historyRounds(`history of ${path.basename(repository)}, ${commits} commits`, repository, Number(process.env['RAMPART_REAL_HISTORY_ROUNDS'] ?? 3));
  }
}
