import { spawn } from 'node:child_process';
import { RampartError } from '../../errors.js';
import { gitEnvironment } from '../git-env.js';
import { unquote } from './commit-header.js';
import { gitOrThrow, repositoryInfo, runGit } from './git.js';
import { rangeEnds, resolveRevisionFlag } from './revision-flag.js';

/**
 * A pull request seen by `scan --since REV` (or `--range A..B`): the revision whose policy is
 * trusted (REV, or A), and the lines the change adds to the tree being scanned.
 */
export interface ChangeUnderReview {
  /** the base as the user wrote it (`origin/main`) */
  readonly baseName: string;
  /** its commit id: config, baseline and trust files are read as this commit has them */
  readonly base: string;
  /** the scanned directory's path inside the repository, '' at its top, else ending in `/` */
  readonly prefix: string;
  /** per path (relative to the scanned directory), the 1-based lines the change adds, compared with where it branched from the base; `whole` for a new untracked file */
  readonly addedLines: ReadonlyMap<string, ReadonlySet<number> | 'whole'>;
}

export function addsLine(change: ChangeUnderReview, path: string, line: number): boolean {
  const lines = change.addedLines.get(path);
  return lines === 'whole' || (lines?.has(line) ?? false);
}

/** Undefined unless the scan was given a base (`--since`, `--range`). */
export async function changeUnderReview(directory: string, since: string | undefined, range: string | undefined): Promise<ChangeUnderReview | undefined> {
  const baseName = since ?? (range === undefined ? undefined : (rangeEnds(range)[0] || 'HEAD'));
  if (baseName === undefined) return undefined;
  const { prefix } = await repositoryInfo(directory);
  const base = await resolveRevisionFlag(directory, since !== undefined ? '--since' : '--range', baseName);
  // lines the change adds: from where the branch left the base, so commits the base gained since are not counted as the change's
  const forked = await runGit(directory, ['merge-base', base, 'HEAD']);
  const from = forked.code === 0 && forked.stdout.trim() !== '' ? forked.stdout.trim() : base;
  return { baseName, base, prefix: prefix === '' ? '' : `${prefix}/`, addedLines: await addedLines(directory, from) };
}

/** `git diff -U0 FROM` against the work tree (tracked files), plus every line of untracked files that are not ignored. */
async function addedLines(directory: string, from: string): Promise<Map<string, Set<number> | 'whole'>> {
  const diff = await gitOrThrow(directory, ['-c', 'core.quotePath=false', 'diff', '--no-ext-diff', '--no-textconv', '--no-renames', '--no-color', '--relative', '-U0', from, '--', '.'], 'cannot compare the tree with the base');
  const added: Map<string, Set<number> | 'whole'> = parseAddedLines(diff);
  const untracked = await gitOrThrow(directory, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.'], 'cannot list untracked files');
  for (const path of untracked.split('\0').filter(Boolean)) added.set(path, 'whole');
  return added;
}

/** The new-side lines of each file's hunks in a unified diff with no context (`-U0`). */
export function parseAddedLines(diff: string): Map<string, Set<number>> {
  const added = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const path = diffPath(line.slice(4));
      current = path === undefined ? undefined : new Set<number>();
      if (path !== undefined && current) added.set(path, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk || !current) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    for (let offset = 0; offset < count; offset += 1) current.add(start + offset);
  }
  return added;
}

/** `b/path` (or `"b/pa\"th"` when git quotes it); `/dev/null` for a deleted file. */
function diffPath(written: string): string | undefined {
  const text = written.replace(/\t$/, '');
  if (text === '/dev/null') return undefined;
  const unquoted = unquote(text);
  if (!unquoted.startsWith('b/')) throw new RampartError('git-failed', `unexpected path in git diff: ${unquoted.slice(0, 80)}`);
  return unquoted.slice(2);
}

/** A file as the base revision has it (`PREFIX/path` inside the repository), or undefined when the base has none. */
export function readAtBase(directory: string, change: ChangeUnderReview, topRelativePath: string): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', 'blob', `${change.base}:${topRelativePath}`], { cwd: directory, stdio: ['ignore', 'pipe', 'ignore'], env: gitEnvironment() });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => reject(new RampartError('git-failed', `cannot run git: ${error.message}`, { cause: error })));
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks) : undefined));
  });
}
