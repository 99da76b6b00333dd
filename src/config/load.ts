import { realpathSync } from 'node:fs';
import path from 'node:path';
import { RampartError } from '../errors.js';
import { findWorkTree } from '../sources/git/work-tree.js';
import { safeReadFile } from '../sources/safe-read.js';
import { DEFAULT_CONFIG, type ResolvedConfig } from './schema.js';

export const CONFIG_FILE_NAMES = ['.rampart.yaml', '.rampart.yml'];
/** far above any real config; a bound on what a repository can make Rampart hold */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Loads `--config FILE`, or `.rampart.yaml` at the scan root, or the defaults. The repository's own
 * config is read as every repository file is (no link out of the repository, regular files only,
 * size-capped); a file the user names may be anything readable, within the size cap.
 */
export async function loadConfig(root: string, explicit?: string, explicitWithin?: string): Promise<ResolvedConfig> {
  if (explicit) {
    // `explicitWithin`: a repository's config copied from another revision, held to the copy's bounds
    const file = path.resolve(explicit);
    return parse(readConfig(file, explicit, explicitWithin, true) ?? DEFAULT_CONFIG, explicit, explicitWithin);
  }
  const within = repositoryBoundary(root);
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = path.join(root, name);
    const shown = path.relative(process.cwd(), candidate) || candidate;
    const bytes = readConfig(candidate, shown, within, false);
    if (bytes !== undefined) return parse(bytes, shown, within);
  }
  return DEFAULT_CONFIG;
}

function readConfig(file: string, shown: string, within: string | undefined, required: true): Buffer;
function readConfig(file: string, shown: string, within: string | undefined, required: false): Buffer | undefined;
function readConfig(file: string, shown: string, within: string | undefined, required: boolean): Buffer | undefined {
  const read = safeReadFile(file, { maxBytes: MAX_CONFIG_BYTES, ...(within !== undefined ? { within } : {}), allowSpecial: within === undefined });
  if (read.ok) return read.bytes;
  if (!required && read.code === 'ENOENT') return undefined;
  const reason = read.code === 'ENOENT' ? 'ENOENT' : read.problem;
  throw new RampartError('config-unreadable', `cannot read config ${shown}: ${reason}`);
}

async function parse(bytes: Buffer | ResolvedConfig, source: string, within?: string): Promise<ResolvedConfig> {
  if (!Buffer.isBuffer(bytes)) return bytes;
  // the validator (zod) is loaded only when there is a file to validate
  const { parseConfig } = await import('./parse.js');
  const config = parseConfig(bytes.toString('utf8'), source);
  return within === undefined ? config : { ...config, namedFilesWithin: within };
}

/**
 * The directory a repository's config and the files it names must stay within: the git work tree
 * holding the root, or the root itself outside git.
 */
export function repositoryBoundary(root: string): string {
  let real: string;
  try {
    real = realpathSync.native(root);
  } catch {
    return path.resolve(root);
  }
  const top = findWorkTree(real)?.top;
  if (top === undefined) return real;
  try {
    return realpathSync.native(top);
  } catch {
    return real;
  }
}
