import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { RampartError } from '../errors.js';
import { LineIndex } from '../model/span.js';
import { configSchema, DEFAULT_CONFIG, resolveConfig, type ResolvedConfig } from './schema.js';

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
    return parseConfig(text, explicit ?? path.relative(process.cwd(), candidate) ?? candidate);
  }
  return DEFAULT_CONFIG;
}

export function parseConfig(text: string, source: string): ResolvedConfig {
  const document = parseDocument(text, { prettyErrors: false });
  const lines = new LineIndex(text);
  const yamlError = document.errors[0];
  if (yamlError) {
    const at = lines.position(yamlError.pos[0]);
    throw new RampartError('config-invalid', `${source}:${at.line}:${at.column}: invalid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const value: unknown = document.toJS() ?? {};
  const result = configSchema.safeParse(value);
  if (!result.success) {
    throw new RampartError('config-invalid', `${source}: invalid configuration:\n${describeIssues(result.error.issues, document, lines)}`);
  }
  return resolveConfig(result.data, source);
}

function describeIssues(issues: readonly z.core.$ZodIssue[], document: ReturnType<typeof parseDocument>, lines: LineIndex): string {
  return issues
    .map((issue) => {
      const keyPath = issue.path.map(String);
      const node = document.getIn(keyPath, true) as { range?: [number, number, number] } | undefined;
      const where = node?.range ? `line ${lines.position(node.range[0]).line}: ` : '';
      const field = keyPath.length > 0 ? keyPath.join('.') : '(top level)';
      return `  - ${where}${field}: ${issue.message}`;
    })
    .join('\n');
}
