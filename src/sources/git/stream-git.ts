import { RampartError } from '../../errors.js';
import { adoptGit, startGit, type GitRun } from './git-run.js';

/** Something that consumes a git command's output as it arrives. */
export interface StreamConsumer {
  push(chunk: Buffer): void;
  end(): void;
}

/**
 * Runs git with `input` on stdin (or takes over the same command started ahead, see
 * `prefetchGit`) and feeds its stdout to a consumer as it streams; resolves when git has finished
 * and the consumer has taken the end. A consumer error stops git.
 */
export function streamGit(cwd: string, args: readonly string[], input: string, consumer: StreamConsumer): Promise<void> {
  const run = (input === '' ? adoptGit(cwd, args) : undefined) ?? startGit(cwd, args, input);
  return new Promise((resolve, reject) => {
    let failure: unknown;
    const push = (chunk: Buffer): void => {
      if (failure) return;
      try {
        consumer.push(chunk);
      } catch (error) {
        failure = error;
        run.child.kill();
      }
    };
    const settle = (): void => {
      if (run.error) return reject(new RampartError('git-failed', `cannot run git: ${run.error.message}`, { cause: run.error }));
      if (failure) return reject(failure);
      if (run.exit !== 0) return reject(gitFailure(run, args));
      try {
        consumer.end();
        resolve();
      } catch (error) {
        reject(error);
      }
    };
    for (const chunk of run.early.splice(0)) push(chunk);
    if (run.exit !== undefined || run.error) return settle();
    run.child.stdout.on('data', push);
    run.child.once('error', settle);
    run.child.once('close', settle);
  });
}

function gitFailure(run: GitRun, args: readonly string[]): RampartError {
  const reason = Buffer.concat(run.stderr).toString('utf8').trim().split('\n')[0] || `exit ${run.exit}`;
  return new RampartError('git-failed', `git ${args.find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? ''} failed: ${reason}`);
}
