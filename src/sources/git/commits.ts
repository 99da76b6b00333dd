import { RampartError } from '../../errors.js';
import { gitOrThrow } from './git.js';

export interface HistorySelection {
  /** only commits not reachable from this revision (`REV..HEAD`) */
  readonly since?: string;
  /** `A..B` */
  readonly range?: string;
}

const REVISION = /^[A-Za-z0-9_./@^~{}:-]+$/;

/** The revisions that select the commits to scan: every ref, or the asked-for range; refuses what is not a revision. */
export function selectionRevisions(selection: HistorySelection): string[] {
  for (const revision of [selection.range, selection.since]) {
    if (revision !== undefined && (!REVISION.test(revision) || revision.startsWith('-'))) {
      throw new RampartError('usage', `not a revision: ${revision}`);
    }
  }
  if (selection.range && !selection.range.includes('..')) throw new RampartError('usage', `--range needs A..B, got ${selection.range}`);
  return selection.range ? [selection.range] : selection.since ? ['HEAD', '--not', selection.since] : ['--all'];
}

/** Commits to scan, parents before children: every ref's history, or the asked-for range. */
export async function listCommits(root: string, selection: HistorySelection): Promise<string[]> {
  const revisions = selectionRevisions(selection);
  const output = await gitOrThrow(root, ['rev-list', '--topo-order', '--reverse', ...revisions, '--'], `cannot list commits${selection.range ? ` of ${selection.range}` : selection.since ? ` since ${selection.since}` : ''}`);
  return output.split('\n').filter((line) => line !== '');
}

