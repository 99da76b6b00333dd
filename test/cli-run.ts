import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PROJECT = path.resolve(here, '..');
export const DEMO = path.join(PROJECT, 'examples', 'demo');
const BIN = path.join(PROJECT, 'bin', 'rampart.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built binary (`npm run build` first; `npm test` does) as users do: `node bin/rampart.js …`. */
export function rampart(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  if (!existsSync(path.join(PROJECT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
  }
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: 'true', ...options.env };
  for (const key of ['GITHUB_SERVER_URL', 'GITHUB_REPOSITORY', 'GITHUB_SHA']) if (!options.env || !(key in options.env)) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

/** A Node stack frame: what users must never see without --debug. */
export const STACK_FRAME = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

export const POD_WITH = (image: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: ${image}\n`;
