import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { normaliseGitUrl } from '../model/remote-refs.js';
import { commonDirectory, findWorkTree } from './git/work-tree.js';

/**
 * The remote URLs of the git repository holding `root` (its own `.git/config`, or the one of a
 * parent directory, as git finds it), normalised to `host/org/repo`. Reads files only: no
 * `git` process, no network. Empty when there is no repository or it cannot be read.
 */
export async function readGitRemotes(root: string): Promise<string[]> {
  const gitDirectory = findWorkTree(path.resolve(root))?.gitDirectory;
  if (!gitDirectory) return [];
  const config = await readFile(path.join(commonDirectory(gitDirectory), 'config'), 'utf8').catch(() => undefined);
  if (config === undefined) return [];
  const remotes = new Set<string>();
  for (const url of remoteUrls(config)) {
    const normalised = normaliseGitUrl(url);
    if (normalised) remotes.add(normalised);
  }
  return [...remotes].sort();
}

/** `url` (and `pushurl`) values of `[remote "…"]` sections of a git config file. */
export function remoteUrls(config: string): string[] {
  const urls: string[] = [];
  let inRemote = false;
  for (const rawLine of config.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('[')) {
      inRemote = /^\[remote\s+"[^"]*"\]$/i.test(line);
      continue;
    }
    if (!inRemote) continue;
    const match = /^(url|pushurl)\s*=\s*(.*?)\s*$/i.exec(line);
    const value = match?.[2]?.replace(/^"(.*)"$/, '$1');
    if (value) urls.push(value);
  }
  return urls;
}
