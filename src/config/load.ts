import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RampartError } from '../errors.js';
import { DEFAULT_CONFIG, type ResolvedConfig } from './schema.js';

export const CONFIG_FILE_NAMES = ['.rampart.yaml', '.rampart.yml'];

/** Loads `--config FILE`, or `.rampart.yaml` at the scan root, or the defaults. */
export async function loadConfig(root: string, explicit?: string): Promise<ResolvedConfig> {
  const candidates = explicit ? [path.resolve(explicit)] : CONFIG_FILE_NAMES.map((name) => path.join(root, name));
  for (const candidate of candidates) {
    let text: string;
    try {
      text = await readFile(candidate, 'utf8');
    } catch (error) {
      if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new RampartError('config-unreadable', `cannot read config ${candidate}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
    }
    // the validator (zod) is loaded only when there is a file to validate
    const { parseConfig } = await import('./parse.js');
    return parseConfig(text, explicit ?? path.relative(process.cwd(), candidate) ?? candidate);
  }
  return DEFAULT_CONFIG;
}
