import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Every `.yaml`/`.yml` file under `directory`, recursively. */
export function yamlFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

/**
 * Each document of the files that reads as an object, as the API server would send it: JSON, so
 * dates, binary and other YAML-only values arrive as strings. `version: '1.1'` reads as kubectl does
 * (`yes` is true).
 */
export function* jsonObjectsIn(files: readonly string[], version: '1.1' | '1.2' = '1.2'): Generator<{ file: string; object: Record<string, unknown> }> {
  for (const file of files) {
    for (const document of parseAllDocuments(readFileSync(file, 'utf8'), { logLevel: 'error', version }) as Array<{ errors: unknown[]; toJS(): unknown }>) {
      if (document.errors.length > 0) continue;
      let value: unknown;
      try {
        value = document.toJS();
      } catch {
        continue;
      }
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) yield { file, object: JSON.parse(JSON.stringify(value)) as Record<string, unknown> };
    }
  }
}
