import { readFileSync } from 'node:fs';

/** The package's name: scoped, so that no stranger's package named `rampart` is ever taken for it. */
export const PACKAGE_NAME = '@rampart-gitops/rampart';

/** The package's version, found by walking up from this module (dist/ or the dist/bundle/ chunks). */
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME && manifest.version) return manifest.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
export const TOOL_NAME = 'rampart';
