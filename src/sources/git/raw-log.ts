import { StringDecoder } from 'node:string_decoder';
import { streamGit } from './stream-git.js';
import { COMMIT_FORMAT, FIELD, RECORD, unquote, type CommitHeader } from './commit-header.js';

/** One file a commit wrote: the blob it had before (`undefined` when added) and the one it has now. */
export interface ChangedBlob {
  readonly path: string;
  readonly oldBlob: string | undefined;
  readonly newBlob: string;
}

export interface RawLogHandlers {
  commit(header: CommitHeader): void;
  blob(change: ChangedBlob): void;
}

/**
 * Which blobs each listed commit wrote, against its first parent (root commits against the empty
 * tree, merges against their first parent too): a tree walk only, no text diff, so git does a
 * fraction of the work of `git log -p`. Commits come one per line on stdin or, with `revisions`,
 * from git's own walk, newest first.
 */
export function historyRawArguments(prefix: string, revisions?: readonly string[]): string[] {
  // git's own walk, newest first, prints from its first commit on (a topological walk reads them all first)
  const walk = revisions === undefined ? ['--no-walk=unsorted', '--stdin'] : [...revisions];
  return [
    '-c', 'core.quotePath=false', '-c', 'log.showSignature=false',
    'log', ...walk, '--raw', '--no-abbrev', '--no-renames', '--no-color',
    '--diff-merges=first-parent', '--relative', COMMIT_FORMAT,
    '--', ...(prefix === '' ? [] : ['.']),
  ];
}

/** What is staged in the index against HEAD, in the same `--raw` form (no commit lines). */
export function stagedRawArguments(prefix: string): string[] {
  return [
    '-c', 'core.quotePath=false', 'diff', '--cached', '--raw', '--no-abbrev', '--no-renames', '--no-color', '--relative',
    '--', ...(prefix === '' ? [] : ['.']),
  ];
}

const ZERO = /^0+$/;

/** Reads `git log --raw` output as it streams; deletions, submodules and mode-only changes are left out. */
export class RawLogParser {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  constructor(private readonly handlers: RawLogHandlers) {}

  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.line(text.slice(start, newline));
      start = newline + 1;
    }
    this.rest = text.slice(start);
  }

  end(): void {
    const tail = this.rest + this.decoder.end();
    this.rest = '';
    if (tail !== '') this.line(tail);
  }

  private line(line: string): void {
    if (line.startsWith(RECORD)) {
      const [sha = '', author = '', date = ''] = line.slice(1).split(FIELD);
      this.handlers.commit({ sha, author, date });
      return;
    }
    if (!line.startsWith(':')) return;
    // `:old-mode new-mode old-id new-id status\tpath`, split on its separators: this runs once per changed file
    const tab = line.indexOf('\t');
    const fields = line.slice(1, tab).split(' ');
    if (tab === -1 || fields.length !== 5) return;
    const [oldMode = '', newMode = '', oldId = '', newId = '', status = ''] = fields;
    // a submodule's id is a commit, not a blob; a deleted file has no new blob
    if (status === 'D' || newMode.startsWith('160') || oldId === newId || ZERO.test(newId)) return;
    const oldBlob = oldMode.startsWith('160') || ZERO.test(oldId) ? undefined : oldId;
    this.handlers.blob({ path: unquote(line.slice(tab + 1)), oldBlob, newBlob: newId });
  }
}

/** Streams `git log --raw` (with commits on stdin) through a parser; resolves when git has finished. */
export function streamRawLog(cwd: string, args: readonly string[], input: string, handlers: RawLogHandlers, env: Readonly<Record<string, string>> = {}): Promise<void> {
  return streamGit(cwd, args, input, new RawLogParser(handlers), undefined, env);
}
