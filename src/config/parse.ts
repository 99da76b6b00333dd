import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { RampartError } from '../errors.js';
import { parseRefusal } from '../model/parse-limits.js';
import { excerpt } from '../model/excerpt.js';
import { LineIndex } from '../model/span.js';
import { configSchema } from './config-schema.js';
import { resolveConfig, type ResolvedConfig } from './schema.js';

/** Validates a config file's text; errors name the file, the line and the field. */
export function parseConfig(text: string, source: string): ResolvedConfig {
  const refusal = parseRefusal(text);
  if (refusal) throw new RampartError('config-invalid', `${source}: ${refusal.replace(/; .*$/, '')}`);
  const document = parseDocument(text, { prettyErrors: false });
  const lines = new LineIndex(text);
  const yamlError = document.errors[0];
  if (yamlError) {
    const at = lines.position(yamlError.pos[0]);
    throw new RampartError('config-invalid', `${source}:${at.line}:${at.column}: invalid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const value: unknown = document.toJS() ?? {};
  // a tagged scalar (`!!binary`, a set) is an object to the schema, whose keys would be its bytes
  if (typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new RampartError('config-invalid', `${source}: invalid configuration: the file must be a mapping of settings (key: value lines), not ${describeValue(value)}`);
  }
  const result = configSchema.safeParse(value);
  if (!result.success) {
    throw new RampartError('config-invalid', `${source}: invalid configuration:\n${describeIssues(result.error.issues, document, lines)}`);
  }
  return resolveConfig(result.data, source);
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Map || value instanceof Set) return 'a tagged collection';
  return typeof value === 'object' ? 'a tagged value' : `a ${typeof value}`;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], document: ReturnType<typeof parseDocument>, lines: LineIndex): string {
  return issues
    .map((issue) => {
      const keyPath = issue.path.map(String);
      const node = document.getIn(keyPath, true) as { range?: [number, number, number] } | undefined;
      const where = node?.range ? `line ${lines.position(node.range[0]).line}: ` : '';
      const field = keyPath.length > 0 ? keyPath.map((key) => excerpt(key)).join('.') : '(top level)';
      return `  - ${where}${field}: ${describeIssue(issue)}`;
    })
    .join('\n');
}

/** The repository wrote the keys: name at most a few, each a short escaped excerpt (a config linked to /etc/shadow must not print it). */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const shown = issue.keys.slice(0, MAX_KEYS_SHOWN).map((key) => `"${excerpt(key)}"`).join(', ');
  const more = issue.keys.length > MAX_KEYS_SHOWN ? ` and ${issue.keys.length - MAX_KEYS_SHOWN} more` : '';
  return `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${shown}${more}`;
}

const MAX_KEYS_SHOWN = 3;
