import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceFile } from '../src/model/source-file.js';

export const corpusRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'corpus');

/** Every text file of ../shared/corpus (under 2 MB, no NUL byte), path relative to the corpus; none when it is absent. */
export function corpusTextFiles(): Array<{ path: string; text: string }> {
  if (!existsSync(corpusRoot)) return [];
  const files: Array<{ path: string; text: string }> = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') walk(full);
      } else if (entry.isFile() && statSync(full).size < 2_000_000) {
        const bytes = readFileSync(full);
        if (!bytes.includes(0)) files.push({ path: path.relative(corpusRoot, full), text: bytes.toString('utf8') });
      }
    }
  };
  walk(corpusRoot);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Every Terraform file (`.tf`) of ../shared/corpus; none when it is absent. */
export function corpusTerraform(): SourceFile[] {
  return corpusTextFiles().filter((file) => /\.tf$/i.test(file.path)).map((file) => new SourceFile(file.path, file.text));
}
