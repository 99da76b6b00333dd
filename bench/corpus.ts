import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG } from '../src/config/schema.js';
import type { Workspace } from '../src/model/workspace.js';
import { loadWorkspace } from '../src/sources/load-workspace.js';

const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'corpus');

/** Each repository of ../shared/corpus as a label and a loader, in name order; none when it is absent. */
export function corpusRepositories(): Array<{ label: string; load: () => Promise<Workspace> }> {
  if (!existsSync(corpus)) return [];
  return readdirSync(corpus, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      label: `corpus ${name}`.slice(0, 34),
      load: async () => (await loadWorkspace(path.join(corpus, name), { maxFileSize: DEFAULT_CONFIG.maxFileSize })).workspace,
    }));
}
