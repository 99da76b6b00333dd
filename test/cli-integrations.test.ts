import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { POD_WITH, PROJECT } from './cli-run.js';

const run = promisify(execFile);

interface ActionStep { name?: string; id?: string; uses?: string; run?: string; env?: Record<string, string>; if?: string; with?: Record<string, string> }
interface Action { inputs: Record<string, { default?: string }>; runs: { using: string; steps: ActionStep[] } }

const read = (file: string): Promise<string> => readFile(path.join(PROJECT, file), 'utf8');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'rampart-integrations-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Runs one `run:` step of action.yml the way the runner does (bash -e -o pipefail), with its env and the runner's files. */
async function runStep(step: ActionStep, env: Record<string, string>): Promise<{ code: number; stdout: string; outputs: Record<string, string>; summary: string }> {
  const outputFile = path.join(scratch, `output-${Math.random().toString(36).slice(2)}`);
  const summaryFile = `${outputFile}-summary`;
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const fullEnv = { ...process.env, CI: 'true', NO_COLOR: '1', GITHUB_ACTION_PATH: PROJECT, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, ...env };
  let code = 0;
  let stdout = '';
  try {
    stdout = (await run('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step.run ?? ''], { cwd: PROJECT, env: fullEnv })).stdout;
  } catch (error) {
    code = (error as { code: number }).code;
    stdout = (error as { stdout: string }).stdout;
  }
  const outputs = Object.fromEntries((await readFile(outputFile, 'utf8')).split('\n').filter(Boolean).map((line) => line.split('=', 2) as [string, string]));
  return { code, stdout, outputs, summary: await readFile(summaryFile, 'utf8') };
}

describe('GitHub Action (action.yml)', () => {
  it('is a composite action whose every `uses:` is pinned to a full commit SHA with its version in a comment', async () => {
    const text = await read('action.yml');
    const action = parse(text) as Action;
    expect(action.runs.using).toBe('composite');
    const uses = action.runs.steps.flatMap((step) => (step.uses ? [step.uses] : []));
    expect(uses.some((reference) => reference.startsWith('github/codeql-action/upload-sarif@'))).toBe(true);
    for (const reference of uses) expect(reference).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    const lines = text.split('\n').filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(lines).toHaveLength(uses.length);
    for (const line of lines) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('never interpolates ${{ }} into shell scripts (inputs arrive through env)', async () => {
    const action = parse(await read('action.yml')) as Action;
    for (const step of action.runs.steps) if (step.run) expect(step.run).not.toContain('${{');
  });

  it('runs the build of its own checkout: `npm ci` from the lockfile and bin/rampart.js, never a package looked up by name', async () => {
    const action = parse(await read('action.yml')) as Action;
    const scripts = action.runs.steps.flatMap((step) => (step.run ? [step.run] : []));
    expect(scripts.some((script) => /^npm ci\b/m.test(script))).toBe(true);
    expect(scripts.some((script) => script.includes('node "$GITHUB_ACTION_PATH/bin/rampart.js"'))).toBe(true);
    for (const script of scripts) expect(script).not.toMatch(/\bnpx\b|npm (exec|install|i)\b|\byarn\b|\bpnpm\b/);
  });

  it("scan step: writes SARIF, records the exit code, writes the job summary; the last step fails the job on findings", async () => {
    const action = parse(await read('action.yml')) as Action;
    const scan = action.runs.steps.find((step) => step.id === 'scan');
    const fail = action.runs.steps.find((step) => step.name === 'Fail on findings');
    expect(scan?.run).toBeDefined();
    const tree = path.join(scratch, 'repo');
    await mkdir(tree, { recursive: true });
    await writeFile(path.join(tree, 'pod.yaml'), POD_WITH('nginx:1.27'));
    const sarif = path.join(scratch, 'out.sarif');
    const inputs = (overrides: Record<string, string>): Record<string, string> => ({
      RAMPART_PATH: tree, RAMPART_FAIL_ON: 'high', RAMPART_CONFIG: '', RAMPART_BASELINE: '', RAMPART_ARGS: '--rule image-not-pinned',
      RAMPART_SARIF: sarif, RAMPART_JOB_SUMMARY: 'true', ...overrides,
    });

    const failing = await runStep(scan!, inputs({}));
    expect(failing.code).toBe(0);
    expect(failing.outputs).toEqual({ 'exit-code': '1', 'sarif-written': 'true' });
    expect(JSON.parse(await readFile(sarif, 'utf8'))).toHaveProperty('version', '2.1.0');
    expect(failing.summary).toMatch(/^## .* Rampart: 1 finding/);

    const passing = await runStep(scan!, inputs({ RAMPART_FAIL_ON: 'critical', RAMPART_JOB_SUMMARY: 'false' }));
    expect(passing.outputs['exit-code']).toBe('0');
    expect(passing.summary).toBe('');

    const broken = await runStep(scan!, inputs({ RAMPART_PATH: path.join(scratch, 'missing') }));
    expect(broken.outputs).toEqual({ 'exit-code': '2' });

    const gate = await runStep(fail!, { RAMPART_EXIT: '1' });
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('::error::Rampart found issues');
  }, 180_000);

  it('scan step: judges a pull request by its base (--since the base commit) when the checkout has it, and warns when it does not', async () => {
    const action = parse(await read('action.yml')) as Action;
    const scan = action.runs.steps.find((step) => step.id === 'scan');
    const tree = path.join(scratch, 'pull-request');
    await mkdir(tree, { recursive: true });
    const git = (...args: string[]): string => execFileSync('git', ['-C', tree, '-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } }).trim();
    git('init', '-q', '-b', 'main');
    await writeFile(path.join(tree, 'pod.yaml'), POD_WITH('nginx@sha256:4aea012537edfad80f98d870a36e6b90b4c09b27be7f4b4759d72db863baeebb'));
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    const base = git('rev-parse', 'HEAD');
    await writeFile(path.join(tree, 'pod.yaml'), POD_WITH('nginx:1.27 # rampart-ignore image-not-pinned -- trust me'));
    git('commit', '-q', '-am', 'pull request');
    const sarif = path.join(scratch, 'pr.sarif');
    const inputs = { RAMPART_PATH: tree, RAMPART_FAIL_ON: 'high', RAMPART_CONFIG: '', RAMPART_BASELINE: '', RAMPART_ARGS: '--rule image-not-pinned,suppression-in-change', RAMPART_SARIF: sarif, RAMPART_JOB_SUMMARY: 'false' };

    const judged = await runStep(scan!, { ...inputs, RAMPART_BASE: base });
    expect(judged.outputs['exit-code']).toBe('1');
    const results = (JSON.parse(await readFile(sarif, 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string }> }> }).runs[0]!.results;
    expect(results.map((result) => result.ruleId)).toEqual(['suppression-in-change']);

    const missing = await runStep(scan!, { ...inputs, RAMPART_BASE: 'f'.repeat(40) });
    expect(missing.outputs['exit-code']).toBe('0');
    expect(missing.stdout).toContain('::warning::Rampart: the base revision is not in the checkout');
    const unset = await runStep(scan!, { ...inputs, RAMPART_BASE: '' });
    expect(unset.outputs['exit-code']).toBe('0');
  }, 180_000);
});

describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
  it('runs `rampart scan --staged` once per commit from the package binary', async () => {
    const hooks = parse(await read('.pre-commit-hooks.yaml')) as Array<Record<string, unknown>>;
    const hook = hooks.find((candidate) => candidate['id'] === 'rampart');
    expect(hook).toMatchObject({ language: 'node', pass_filenames: false, always_run: true });
    expect(String(hook?.['entry'])).toMatch(/^rampart scan --staged\b/);
    // pre-commit installs the hook repository by `npm pack` + `npm install -g` of that tarball: the
    // package must carry its runtime dependencies so that none is resolved from a registry then
    const manifest = JSON.parse(await read('package.json')) as { name: string; bin: Record<string, string>; dependencies: Record<string, string>; bundleDependencies: string[] };
    expect(manifest.bin['rampart']).toBe('bin/rampart.js');
    expect(manifest.name).toBe('@rampart-gitops/rampart');
    expect([...manifest.bundleDependencies].sort()).toEqual(Object.keys(manifest.dependencies).sort());
  });
});

describe('GitLab CI template', () => {
  it('scans, keeps the HTML report and feeds the Code Quality widget with a format Rampart has', async () => {
    const template = parse(await read('integrations/gitlab/rampart.gitlab-ci.yml')) as Record<string, { script?: string[]; artifacts?: { reports?: { codequality?: string }; paths?: string[] } }>;
    const job = template['rampart'];
    const script = (job?.script ?? []).join('\n');
    const codequality = job?.artifacts?.reports?.codequality ?? '';
    expect(script).toContain(`--format codequality --output ${codequality}`);
    expect(script).toMatch(/--format html --output rampart-report\.html/);
    expect(job?.artifacts?.paths).toEqual(expect.arrayContaining(['rampart-report.html', codequality]));
    const { FORMATS } = await import('../src/report/index.js');
    for (const format of script.matchAll(/--format (\w+)/g)) expect(FORMATS).toContain(format[1]);
  });

  it('judges a merge request by its merge base (--since) when the clone has it, and says so when it does not', async () => {
    const template = parse(await read('integrations/gitlab/rampart.gitlab-ci.yml')) as Record<string, { before_script?: string[]; script?: string[] }>;
    const job = template['rampart'];
    expect((job?.script ?? []).every((line) => line.includes('$RAMPART_BASE_ARGS $RAMPART_ARGS'))).toBe(true);
    const choose = (job?.before_script ?? []).find((line) => line.includes('RAMPART_BASE_ARGS')) ?? '';
    const tree = path.join(scratch, 'merge-request');
    await mkdir(tree, { recursive: true });
    execFileSync('git', ['-C', tree, 'init', '-q', '-b', 'main']);
    execFileSync('git', ['-C', tree, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'base']);
    const base = execFileSync('git', ['-C', tree, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const chosen = async (env: Record<string, string>): Promise<string> =>
      (await run('bash', ['--noprofile', '--norc', '-e', '-c', `${choose}\necho "args=$RAMPART_BASE_ARGS"`], { env: { ...process.env, RAMPART_PATH: tree, RAMPART_ARGS: '', ...env } })).stdout;
    expect(await chosen({ CI_MERGE_REQUEST_DIFF_BASE_SHA: base })).toContain(`args=--since ${base}`);
    expect(await chosen({ CI_MERGE_REQUEST_DIFF_BASE_SHA: base, RAMPART_ARGS: '--range a..b' })).toContain('args=\n');
    const shallow = await chosen({ CI_MERGE_REQUEST_DIFF_BASE_SHA: 'f'.repeat(40) });
    expect(shallow).toContain('the merge base is not in the clone');
    expect(shallow).toContain('args=\n');
    expect(await chosen({})).toContain('args=\n');
  });
});
