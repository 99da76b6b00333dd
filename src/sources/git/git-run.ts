import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { gitEnvironment } from '../git-env.js';
import { openSpool } from './spool.js';

/** A git process and what it has said so far; output read by nobody yet waits in `early`, or in the spool file. */
export interface GitRun {
  readonly child: ChildProcess;
  readonly early: Buffer[];
  readonly stderr: Buffer[];
  /** when git writes to an unlinked file instead of a pipe: the descriptor to read it from */
  readonly spool?: number;
  exit?: number;
  error?: Error;
}

const REGISTRY = Symbol.for('rampart.prefetched-git');

/**
 * Runs git with `input` on stdin; never through a shell. With `spoolIn`, git writes its output to
 * an unlinked file in that directory rather than a pipe, so it never waits for a reader that is
 * busy (falling back to a pipe where no such file can be made).
 */
export function startGit(cwd: string, args: readonly string[], input = '', spoolIn?: string, env: Readonly<Record<string, string>> = {}): GitRun {
  const spool = spoolIn === undefined ? undefined : openSpool(spoolIn);
  let child: ChildProcess;
  try {
    child = spawn('git', [...args], { cwd, stdio: ['pipe', spool?.write ?? 'pipe', 'pipe'], env: gitEnvironment({ GIT_CONFIG_NOSYSTEM: '1', ...env }) });
  } finally {
    if (spool) closeSync(spool.write);
  }
  const run: GitRun = { child, early: [], stderr: [], ...(spool ? { spool: spool.read } : {}) };
  child.stderr?.on('data', (chunk: Buffer) => run.stderr.push(chunk));
  child.on('error', (error) => {
    run.error = error;
  });
  child.on('close', (code) => {
    run.exit = code ?? 1;
  });
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(input);
  return run;
}

/** Prefetched runs by cwd and arguments, shared by every copy of this module (the CLI's entry points are bundled apart). */
function prefetched(): Map<string, GitRun> {
  const holder = globalThis as { [REGISTRY]?: Map<string, GitRun> };
  holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

const keyOf = (cwd: string, args: readonly string[]): string => JSON.stringify([cwd, args]);

/**
 * Starts git before it is asked for (while the CLI is still loading), keeping its output in memory
 * until `adoptGit` hands the run over; a run nobody adopts is stopped by `discardPrefetchedGit`.
 */
export function prefetchGit(cwd: string, args: readonly string[], spoolIn?: string): void {
  const run = startGit(cwd, args, '', spoolIn);
  run.child.stdout?.on('data', (chunk: Buffer) => run.early.push(chunk));
  prefetched().set(keyOf(cwd, args), run);
}

/** The prefetched run of exactly this command, if there is one; the caller reads it from now on. */
export function adoptGit(cwd: string, args: readonly string[]): GitRun | undefined {
  const key = keyOf(cwd, args);
  const run = prefetched().get(key);
  if (!run) return undefined;
  prefetched().delete(key);
  run.child.stdout?.removeAllListeners('data');
  return run;
}

export function discardPrefetchedGit(): void {
  for (const run of prefetched().values()) {
    run.child.kill();
    if (run.spool !== undefined) closeSync(run.spool);
  }
  prefetched().clear();
}
