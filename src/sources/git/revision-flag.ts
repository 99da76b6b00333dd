import { RampartError } from '../../errors.js';
import { runGit } from './git.js';

/** The commit a `--since`/`--range` revision names, or a usage error that names the option and what is wrong. */
export async function resolveRevisionFlag(directory: string, option: string, revision: string): Promise<string> {
  const example = option === '--range' ? `${option}=origin/main..HEAD` : `${option}=origin/main`;
  if (revision.trim() === '') throw new RampartError('usage', `${option}: no revision given: name a branch, tag or commit (e.g. ${example})`);
  if (revision.startsWith('-')) throw new RampartError('usage', `${option}: "${revision}" is not a revision (it starts with "-", as options do): name a branch, tag or commit (e.g. ${example})`);
  const result = await runGit(directory, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]);
  if (result.code !== 0) throw new RampartError('usage', `${option}: unknown revision: ${revision} (not a commit of ${directory})`);
  return result.stdout.trim();
}

/** `A..B` or `A...B` as its two ends ('' is HEAD, as git reads it), or a usage error. */
export function rangeEnds(range: string): [string, string] {
  const ends = range.split(/\.\.\.?/);
  if (ends.length !== 2 || ends.every((end) => end === '')) {
    throw new RampartError('usage', `--range expects A..B or A...B (e.g. origin/main..HEAD), not "${range}"`);
  }
  return [ends[0]!, ends[1]!];
}
