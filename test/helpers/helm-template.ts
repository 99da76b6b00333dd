import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * Renders a chart without helm (Debian ships none), for the small subset of Go templates our own
 * chart is written in: `{{ .Values.a.b }}`, `.Release.Name`/`.Namespace`, `.Chart.*`, `if`/`else`/`end`,
 * whitespace trimming, and the functions `quote`, `toYaml`, `nindent`, `join`. Anything else throws, so
 * a template that leaves the subset fails its test instead of rendering wrong.
 */
export interface RenderInput {
  readonly release: { readonly name: string; readonly namespace: string };
  /** merged over the chart's values.yaml, maps key by key */
  readonly values?: Record<string, unknown>;
}

type Scope = { Values: unknown; Release: { Name: string; Namespace: string }; Chart: Record<string, unknown> };
type Part = { text: string } | { action: string };
type Tree = Array<string | { expression: string } | { condition: string; then: Tree; otherwise: Tree }>;

/** Each template's output, by file name (templates starting with `_` render nothing, as in helm). */
export function renderChart(chartDirectory: string, input: RenderInput): Record<string, string> {
  const chart = parse(readFileSync(path.join(chartDirectory, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const defaults = parse(readFileSync(path.join(chartDirectory, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const scope: Scope = {
    Values: merge(defaults, input.values ?? {}),
    Release: { Name: input.release.name, Namespace: input.release.namespace },
    Chart: { Name: chart['name'], Version: chart['version'], AppVersion: chart['appVersion'] },
  };
  const templates = path.join(chartDirectory, 'templates');
  const rendered: Record<string, string> = {};
  for (const name of readdirSync(templates).sort()) {
    if (name.startsWith('_') || !/\.ya?ml$/.test(name)) continue;
    const file = path.join(templates, name);
    try {
      rendered[name] = evaluate(tree(parts(readFileSync(file, 'utf8'))), scope);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  }
  return rendered;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = merged[key];
    merged[key] = isMap(below) && isMap(value) ? merge(below, value) : value;
  }
  return merged;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Literal text and actions, with `{{-` and `-}}` trimming the whitespace beside them. */
function parts(source: string): Part[] {
  const found: Part[] = [];
  const action = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/gs;
  let last = 0;
  let trimNext = false;
  for (const match of source.matchAll(action)) {
    let text = source.slice(last, match.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (match[1] === '-') text = text.replace(/\s+$/, '');
    found.push({ text }, { action: match[2]! });
    trimNext = match[3] === '-';
    last = match.index + match[0].length;
  }
  found.push({ text: trimNext ? source.slice(last).replace(/^\s+/, '') : source.slice(last) });
  return found;
}

function tree(all: Part[]): Tree {
  let index = 0;
  const block = (inside: boolean): { body: Tree; ended: 'end' | 'else' | 'eof' } => {
    const body: Tree = [];
    while (index < all.length) {
      const part = all[index++]!;
      if ('text' in part) {
        body.push(part.text);
        continue;
      }
      const words = part.action.split(/\s+/);
      if (part.action.startsWith('/*')) continue;
      if (words[0] === 'end' || words[0] === 'else') {
        if (!inside) throw new Error(`{{ ${part.action} }} outside an if`);
        return { body, ended: words[0] };
      }
      if (words[0] === 'if') {
        const then = block(true);
        const otherwise = then.ended === 'else' ? block(true) : { body: [], ended: 'end' as const };
        if (otherwise.ended !== 'end') throw new Error('if without end');
        body.push({ condition: part.action.slice(2).trim(), then: then.body, otherwise: otherwise.body });
        continue;
      }
      if (['range', 'with', 'define', 'template', 'include', 'block'].includes(words[0]!)) throw new Error(`{{ ${words[0]} }} is outside the subset this renderer reads`);
      body.push({ expression: part.action });
    }
    if (inside) throw new Error('if without end');
    return { body, ended: 'eof' };
  };
  return block(false).body;
}

function evaluate(nodes: Tree, scope: Scope): string {
  return nodes.map((node) => {
    if (typeof node === 'string') return node;
    if ('expression' in node) return print(pipeline(node.expression, scope));
    return evaluate(truthy(pipeline(node.condition, scope)) ? node.then : node.otherwise, scope);
  }).join('');
}

function print(value: unknown): string {
  if (value === undefined || value === null) throw new Error('a value the template prints is missing');
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  quote: (value) => JSON.stringify(value === undefined || value === null ? '' : String(value)),
  toYaml: (value) => stringify(value).trimEnd(),
  nindent: (count, text) => `\n${String(text).split('\n').map((line) => `${' '.repeat(Number(count))}${line}`).join('\n')}`,
  join: (separator, list) => {
    if (!Array.isArray(list)) throw new Error('join of something that is not a list');
    return list.map(String).join(String(separator));
  },
};

/** `a | f x | g`: each stage gets the one before as its last argument. */
function pipeline(text: string, scope: Scope): unknown {
  let value: unknown;
  text.split(/\s*\|\s*/).forEach((stage, position) => {
    const words = [...stage.matchAll(/"(?:[^"\\]|\\.)*"|\S+/g)].map((match) => match[0]);
    const [head, ...rest] = words;
    if (head === undefined) throw new Error(`empty stage in {{ ${text} }}`);
    const args = rest.map((word) => operand(word, scope));
    if (position > 0) args.push(value);
    const fn = FUNCTIONS[head];
    if (fn) value = fn(...args);
    else if (position === 0 && rest.length === 0) value = operand(head, scope);
    else throw new Error(`unknown function ${head} in {{ ${text} }}`);
  });
  return value;
}

function operand(word: string, scope: Scope): unknown {
  if (word.startsWith('"')) return JSON.parse(word) as string;
  if (/^-?\d+$/.test(word)) return Number(word);
  if (!word.startsWith('.')) throw new Error(`cannot read ${word}`);
  let value: unknown = scope;
  for (const key of word.slice(1).split('.')) {
    if (!isMap(value) || !(key in value)) throw new Error(`${word} is not set`);
    value = value[key];
  }
  return value;
}
