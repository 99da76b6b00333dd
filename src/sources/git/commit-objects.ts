import { append } from '../../append.js';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { gitEnvironment } from '../git-env.js';

const run = promisify(execFile);
const BATCH_SIZE = 10_000;
const MAX_BUFFER = 256 * 1024 * 1024;
const ISOLATED_CONFIG = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

/** A raw git object as `git cat-file --batch` prints it. */
export interface RawObject {
  readonly id: string;
  readonly type: string;
  readonly body: Buffer;
}

export interface TagRef {
  readonly name: string;
  readonly id: string;
  /** `tag` for annotated tags; `commit` (or another type) for lightweight ones */
  readonly type: string;
}

export class GitReadError extends Error {}

/**
 * git with no system or global configuration: only objects are read, so nothing in a repository's
 * config (signing programs, `gpg.ssh.allowedSignersFile`) can influence the outcome.
 */
export async function git(repo: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', repo, ...args], {
      maxBuffer: MAX_BUFFER,
      env: gitEnvironment(ISOLATED_CONFIG),
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0];
    throw new GitReadError(`git ${args[0] ?? ''} in ${repo} failed: ${stderr || (error instanceof Error ? error.message : String(error))}`);
  }
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

/** Commit ids of `range` (`A..B`, a revision, default HEAD), newest first. */
export async function listCommits(repo: string, range = 'HEAD'): Promise<string[]> {
  if (range.startsWith('-')) throw new GitReadError(`invalid revision range ${range}`);
  return lines(await git(repo, ['rev-list', range, '--']));
}

/** Ancestors of `revision`, the revision itself excluded. */
export async function ancestorsBefore(repo: string, revision: string): Promise<Set<string>> {
  if (revision.startsWith('-')) throw new GitReadError(`invalid revision ${revision}`);
  const parents = lines(await git(repo, ['rev-parse', `${revision}^@`]));
  if (parents.length === 0) return new Set();
  return new Set(lines(await git(repo, ['rev-list', ...parents, '--'])));
}

export async function resolveRevision(repo: string, revision: string): Promise<string> {
  if (revision.startsWith('-')) throw new GitReadError(`invalid revision ${revision}`);
  return (await git(repo, ['rev-parse', '--verify', '--end-of-options', `${revision}^{commit}`])).trim();
}

export async function listTags(repo: string): Promise<TagRef[]> {
  return lines(await git(repo, ['for-each-ref', '--format=%(objectname) %(objecttype) %(refname:short)', 'refs/tags'])).map((line) => {
    const [id = '', type = '', ...name] = line.split(' ');
    return { id, type, name: name.join(' ') };
  });
}

/** Reads objects through one `git cat-file --batch` process per batch of ids. */
export async function readObjects(repo: string, ids: readonly string[]): Promise<RawObject[]> {
  const objects: RawObject[] = [];
  for (let start = 0; start < ids.length; start += BATCH_SIZE) {
    append(objects, await readBatch(repo, ids.slice(start, start + BATCH_SIZE)));
  }
  return objects;
}

function readBatch(repo: string, ids: readonly string[]): Promise<RawObject[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', repo, 'cat-file', '--batch'], {
      env: gitEnvironment(ISOLATED_CONFIG),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => reject(new GitReadError(`cannot run git: ${error.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new GitReadError(`git cat-file in ${repo} failed: ${stderr.trim().split('\n')[0] ?? code}`));
      try {
        resolve(parseBatchOutput(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(`${ids.join('\n')}\n`);
  });
}

/** `<id> <type> <size>\n<contents>\n` per object, `<id> missing\n` for absent ones. */
export function parseBatchOutput(output: Buffer): RawObject[] {
  const objects: RawObject[] = [];
  let offset = 0;
  while (offset < output.length) {
    const newline = output.indexOf(0x0a, offset);
    if (newline === -1) throw new GitReadError('truncated git cat-file output');
    const [id = '', type = '', size] = output.subarray(offset, newline).toString('latin1').split(' ');
    offset = newline + 1;
    if (type === 'missing' || size === undefined) throw new GitReadError(`git object ${id} is missing`);
    const length = Number(size);
    objects.push({ id, type, body: output.subarray(offset, offset + length) });
    offset += length + 1;
  }
  return objects;
}
