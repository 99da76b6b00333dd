import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Runs an ES module script (TypeScript imports allowed) in a child node: its stdout, and its exit code or 'still running' after `waitMs`. */
export async function runModuleScript(script: string, waitMs = 30_000): Promise<{ output: string; exited: number | null | string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = await Promise.race([
    once(child, 'exit').then(([code]) => code as number | null),
    new Promise<string>((resolve) => setTimeout(() => resolve('still running'), waitMs)),
  ]);
  child.kill();
  return { output, exited };
}
