import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The OIDC issuer the test Fulcio writes into its certificates. */
export const ISSUER = 'https://issuer.test';
const FIXED_ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

/** git in `repo` as alice@example.com, with no system or global configuration. */
export function git(repo: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return run('git', ['-C', repo, '-c', 'user.name=Test', '-c', 'user.email=alice@example.com', ...args], { env: { ...process.env, ...FIXED_ENV, ...env } })
    .then(({ stdout }) => stdout.trim());
}

/** A new, empty repository `name` under `dir`. */
export async function createRepo(dir: string, name: string): Promise<string> {
  const repo = path.join(dir, name);
  mkdirSync(repo);
  await git(repo, ['init', '-q', '-b', 'main']);
  return repo;
}
