import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { PROJECT, POD_WITH, STACK_FRAME } from './cli-run.js';

let scratch: string;
let repo: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'rampart-output-'));
  repo = path.join(scratch, 'repo');
  await mkdir(repo);
  for (let n = 0; n < 20; n++) await writeFile(path.join(repo, `pod${n}.yaml`), POD_WITH('nginx:latest'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Runs the built CLI with standard output going where `stdout` says. */
function runWithStdout(args: readonly string[], stdout: 'closed-pipe' | number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT, 'bin', 'rampart.js'), ...args], {
      cwd: scratch,
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
      stdio: ['ignore', stdout === 'closed-pipe' ? 'pipe' : stdout, 'pipe'],
    });
    // the reader goes away before anything is written, as `| head -c 1` does after one byte
    if (stdout === 'closed-pipe') child.stdout?.destroy();
    const stderr: Buffer[] = [];
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

describe('writing the report', () => {
  it('treats a reader that closed the pipe (| head) as no error: the exit code is the scan’s own', async () => {
    for (const [format, failOn, code] of [['text', 'none', 0], ['json', 'high', 1]] as const) {
      const result = await runWithStdout(['scan', repo, '-f', format, '--fail-on', failOn], 'closed-pipe');
      expect(result, `${format} --fail-on ${failOn}`).toEqual({ code, stderr: '' });
    }
    const device = await runWithStdout(['scan', repo, '-o', '/dev/stdout', '--fail-on', 'none', '-q'], 'closed-pipe');
    expect(device).toEqual({ code: 0, stderr: '' });
  });

  it('reports a full device on standard output or -o with one clear line and exit 2, never a stack trace', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const redirected = await runWithStdout(['scan', repo, '--fail-on', 'none'], full);
      expect(redirected.code).toBe(2);
      expect(redirected.stderr).toBe('rampart: cannot write to standard output: ENOSPC: no space left on device\n');
      const rules = await runWithStdout(['rules'], full);
      expect(rules.code).toBe(2);
      expect(rules.stderr).toContain('cannot write to standard output: ENOSPC');
    } finally {
      closeSync(full);
    }
    const named = await runWithStdout(['scan', repo, '--fail-on', 'none', '-o', '/dev/full'], 'closed-pipe');
    expect(named.code).toBe(2);
    expect(named.stderr).toBe('rampart: cannot write /dev/full: ENOSPC: no space left on device\n');
    expect(named.stderr).not.toMatch(STACK_FRAME);
  });

  it('never writes through a link planted at a temporary name or at the report path', async () => {
    const outside = path.join(scratch, 'victim.txt');
    await writeFile(outside, 'precious\n');
    const report = path.join(repo, 'rampart.json');
    // the name the temporary file used to have: FILE.<pid>.tmp
    await symlink(outside, `${report}.${process.pid}.tmp`);
    const result = await runCli(['scan', repo, '-f', 'json', '--fail-on', 'none', '-q', '-o', report]);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(outside, 'utf8')).toBe('precious\n');
    expect((await lstat(report)).isFile()).toBe(true);
    expect(JSON.parse(await readFile(report, 'utf8'))).toMatchObject({ schemaVersion: 1 });

    await rm(report);
    await symlink(outside, report);
    const throughLink = await runCli(['scan', repo, '-f', 'json', '--fail-on', 'none', '-o', report]);
    expect(throughLink.code).toBe(2);
    expect(throughLink.stderr).toContain('rampart.json: it is a symbolic link');
    expect(await readFile(outside, 'utf8')).toBe('precious\n');
    await rm(report);
    await rm(`${report}.${process.pid}.tmp`);
  });

  it('refuses a baseline path the scanned repository made a link, and replaces a regular one keeping its mode', async () => {
    const outside = path.join(scratch, 'victim-baseline.txt');
    await writeFile(outside, 'precious\n');
    const target = path.join(repo, '.rampart-baseline.json');
    await symlink(outside, target);
    const refused = await runCli(['baseline', repo, '-q']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('.rampart-baseline.json: it is a symbolic link');
    expect(await readFile(outside, 'utf8')).toBe('precious\n');
    await rm(target);
    await writeFile(target, '{}\n');
    await chmod(target, 0o640);
    expect((await runCli(['baseline', repo, '-q'])).code).toBe(0);
    expect((await stat(target)).mode & 0o777).toBe(0o640);
    expect(JSON.parse(await readFile(target, 'utf8'))).toHaveProperty('entries');
    expect((await readdir(repo)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await rm(target);
  });
});
