import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fastExportArguments } from '../sources/git/fast-export.js';
import { discardPrefetchedGit, prefetchGit } from '../sources/git/git-run.js';
import { spoolDirectory } from '../sources/git/spool.js';

export { discardPrefetchedGit };

/** options of `scan` that take a value as the next argument */
const VALUE_OPTIONS = new Set(['-f', '--format', '-o', '--output', '--fail-on', '-c', '--config', '-l', '--layer', '--baseline', '--max-file-size', '--registry-timeout', '--insecure-registry', '--key', '--certificate-identity', '--certificate-identity-regexp', '--certificate-oidc-issuer', '--certificate-oidc-issuer-regexp', '--trusted-root', '--allowed-signers', '--gpg-keyring', '--require-signed-since', '--rekor-url', '--lock', '--helm-repositories', '--cache-dir', '--retries', '--keyring']);
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
  const layers = layersAsked(argv);
  if (layers.length > 0 && !layers.includes('secrets')) return;
  // several cores: history is read in slices by worker threads, not by one fast-export
  const workers = process.env['RAMPART_HISTORY_WORKERS'];
  if (workers ? workers !== '1' : availableParallelism() >= 4) return;
  // the path is the argument that is no option's value (`--layer secrets` names a layer, not a directory)
  const root = argv.slice(1).find((arg, index) => !arg.startsWith('-') && !VALUE_OPTIONS.has(argv[index] ?? '') && isDirectory(arg)) ?? '.';
  const cwd = path.resolve(root);
  prefetchGit(cwd, fastExportArguments(['--all']), spoolDirectory(cwd));
}

function isDirectory(candidate: string): boolean {
  try {
    return statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}

/** The layers of every `--layer X`, `-l X` and `--layer=X` (comma lists included). */
function layersAsked(argv: readonly string[]): string[] {
  return argv.flatMap((arg, index) => {
    const value = arg.startsWith('--layer=') ? arg.slice('--layer='.length) : arg === '--layer' || arg === '-l' ? argv[index + 1] : undefined;
    return value === undefined ? [] : value.split(',').map((layer) => layer.trim());
  });
}
