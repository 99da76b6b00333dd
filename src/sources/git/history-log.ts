import { spawn } from 'node:child_process';
import { RampartError } from '../../errors.js';
import { PatchParser, type PatchHandlers } from './patch-parser.js';

/** What is staged in the index, as a patch against HEAD: added lines only are scanned. */
export function stagedDiffArguments(prefix: string): string[] {
  return ['-c', 'core.quotePath=false', 'diff', '--cached', '-U0', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', '--relative', ...(prefix === '' ? [] : ['--', '.'])];
}

/** Streams a git command's patch output through a parser; resolves when git has finished. */
export function streamPatches(cwd: string, args: readonly string[], input: string, handlers: PatchHandlers, maxFileSize: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const parser = new PatchParser(handlers, maxFileSize);
    const child = spawn('git', [...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1' } });
    const stderr: Buffer[] = [];
    let failure: unknown;
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        parser.push(chunk);
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
        parser.end();
        resolve();
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
