import { spawn } from 'node:child_process';
import { RampartError } from '../../errors.js';
import { gitEnvironment } from '../git-env.js';

export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs git in `cwd` and collects its output; never through a shell. */
export function runGit(cwd: string, args: readonly string[], input?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: gitEnvironment() });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new RampartError('git-failed', `cannot run git: ${error.message}`, { cause: error })));
    child.on('close', (code) => resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), code: code ?? 1 }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

export async function gitOrThrow(cwd: string, args: readonly string[], what: string): Promise<string> {
  const result = await runGit(cwd, args);
  if (result.code !== 0) {
    const reason = result.stderr.trim().split('\n')[0] ?? `exit ${result.code}`;
    throw new RampartError('git-failed', `${what}: ${reason}`);
  }
  return result.stdout;
}

export interface RepositoryInfo {
  /** the scanned directory's path inside the repository, '' at its top */
  readonly prefix: string;
  readonly shallow: boolean;
  /** the repository's git directory, absolute */
  readonly gitDirectory: string;
}

/** Fails with a clear message when `directory` is not inside a git work tree. */
export async function repositoryInfo(directory: string): Promise<RepositoryInfo> {
  const result = await runGit(directory, ['rev-parse', '--is-inside-work-tree', '--show-prefix', '--is-shallow-repository', '--absolute-git-dir']);
  const lines = result.stdout.split('\n');
  if (result.code !== 0 || lines[0] !== 'true') {
    throw new RampartError('not-a-git-repository', `${directory} is not a git repository; history scanning (--history, --since, --range, --staged) needs one`);
  }
  return { prefix: (lines[1] ?? '').replace(/\/$/, ''), shallow: lines[2] === 'true', gitDirectory: lines[3] ?? '' };
}
