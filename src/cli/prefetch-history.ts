import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fastExportArguments } from '../sources/git/fast-export.js';
import { discardPrefetchedGit, prefetchGit } from '../sources/git/git-run.js';

export { discardPrefetchedGit };

const NARROWING = new Set(['--since', '--range', '--staged', '-h', '--help', '-r', '--rule']);

/**
 * `rampart scan --history` over whole history reads one `git fast-export`: started here, before
 * the CLI has loaded, git's walk of every commit overlaps Rampart's start-up. The guess is checked
 * when the scan asks for exactly that command in exactly that directory; otherwise the run is
 * stopped unused. Anything that narrows history or the rules is left to the scan itself.
 */
export function prefetchHistory(argv: readonly string[]): void {
  if (argv[0] !== 'scan' || !argv.includes('--history')) return;
  if (argv.some((arg) => NARROWING.has(arg.split('=')[0]!))) return;
  const layers = argv.indexOf('--layer') === -1 ? argv.indexOf('-l') : argv.indexOf('--layer');
  if (layers !== -1 && !argv.slice(layers + 1).includes('secrets')) return;
  // several cores: history is read in slices by worker threads, not by one fast-export
  const workers = process.env['RAMPART_HISTORY_WORKERS'];
  if (workers ? workers !== '1' : availableParallelism() >= 4) return;
  const root = argv.slice(1).find((arg) => !arg.startsWith('-') && isDirectory(arg)) ?? '.';
  prefetchGit(path.resolve(root), fastExportArguments(['--all']));
}

function isDirectory(candidate: string): boolean {
  try {
    return statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}
