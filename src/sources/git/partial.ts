import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gitOrThrow, runGit } from './git.js';

/** A partial clone: some objects are left on a promisor remote and may be absent here. */
export async function isPartialClone(root: string): Promise<boolean> {
  // `extensions.partialClone` names the remote in older clones, `remote.<name>.promisor` in newer ones
  const result = await runGit(root, ['config', '--get-regexp', '^(extensions\\.partialclone|remote\\..*\\.promisor)$']);
  return result.code === 0 && result.stdout.trim() !== '';
}

/**
 * Whether any commit of `revisions` is one a shallow clone cut its parents from: then history
 * older than the clone depth belongs to the selection and was not there to scan.
 */
export async function reachesShallowCut(root: string, revisions: readonly string[]): Promise<boolean> {
  const shallowFile = path.resolve(root, (await gitOrThrow(root, ['rev-parse', '--git-path', 'shallow'], 'cannot find the shallow file')).trim());
  const cut = new Set((await readFile(shallowFile, 'utf8').catch(() => '')).split('\n').filter((line) => line !== ''));
  if (cut.size === 0) return false;
  const listed = await runGit(root, ['rev-list', ...revisions, '--']);
  // when git cannot list them, say the history is cut rather than call it whole
  return listed.code !== 0 || listed.stdout.split('\n').some((sha) => cut.has(sha));
}

/** The objects `revisions` reach that the repository does not hold, listed without fetching any. */
export async function missingObjects(root: string, revisions: readonly string[]): Promise<Set<string>> {
  const listed = await gitOrThrow(root, ['rev-list', '--objects', '--missing=print', ...revisions, '--'], 'cannot list the objects of a partial clone');
  const missing = new Set<string>();
  for (const line of listed.split('\n')) if (line.startsWith('?')) missing.add(line.slice(1).trim());
  return missing;
}
