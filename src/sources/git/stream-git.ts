import { spawn } from 'node:child_process';
import { RampartError } from '../../errors.js';

/** Something that consumes a git command's output as it arrives. */
export interface StreamConsumer {
  push(chunk: Buffer): void;
  end(): void;
}

/**
 * Runs git with `input` on stdin and feeds its stdout to a consumer as it streams; resolves when git
 * has finished and the consumer has taken the end. A consumer error stops git.
 */
export function streamGit(cwd: string, args: readonly string[], input: string, consumer: StreamConsumer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1' } });
    const stderr: Buffer[] = [];
    let failure: unknown;
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        consumer.push(chunk);
      } catch (error) {
        failure = error;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new RampartError('git-failed', `cannot run git: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (failure) return reject(failure);
      if (code !== 0) {
        const reason = Buffer.concat(stderr).toString('utf8').trim().split('\n')[0] ?? `exit ${code}`;
        return reject(new RampartError('git-failed', `git ${args.find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? ''} failed: ${reason}`));
      }
      try {
        consumer.end();
        resolve();
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
