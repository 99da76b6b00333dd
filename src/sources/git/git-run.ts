import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** A git process and what it has said so far; output read by nobody yet waits in `early`. */
export interface GitRun {
  readonly child: ChildProcessWithoutNullStreams;
  readonly early: Buffer[];
  readonly stderr: Buffer[];
  exit?: number;
  error?: Error;
}

const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1' };
const REGISTRY = Symbol.for('rampart.prefetched-git');

/** Runs git with `input` on stdin; never through a shell. */
export function startGit(cwd: string, args: readonly string[], input = ''): GitRun {
  const child = spawn('git', [...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...GIT_ENV } });
  const run: GitRun = { child, early: [], stderr: [] };
  child.stderr.on('data', (chunk: Buffer) => run.stderr.push(chunk));
  child.on('error', (error) => {
    run.error = error;
  });
  child.on('close', (code) => {
    run.exit = code ?? 1;
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
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
export function prefetchGit(cwd: string, args: readonly string[]): void {
  const run = startGit(cwd, args);
  run.child.stdout.on('data', (chunk: Buffer) => run.early.push(chunk));
  prefetched().set(keyOf(cwd, args), run);
}

/** The prefetched run of exactly this command, if there is one; the caller reads it from now on. */
export function adoptGit(cwd: string, args: readonly string[]): GitRun | undefined {
  const key = keyOf(cwd, args);
  const run = prefetched().get(key);
  if (!run) return undefined;
  prefetched().delete(key);
  run.child.stdout.removeAllListeners('data');
  return run;
}

export function discardPrefetchedGit(): void {
  for (const run of prefetched().values()) run.child.kill();
  prefetched().clear();
}
