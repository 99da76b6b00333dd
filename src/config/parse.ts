import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { RampartError } from '../errors.js';
import { LineIndex } from '../model/span.js';
import { configSchema } from './config-schema.js';
import { resolveConfig, type ResolvedConfig } from './schema.js';

/** Validates a config file's text; errors name the file, the line and the field. */
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
