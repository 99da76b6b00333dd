import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { errorMessage } from '../errors.js';
import type { DependencySource } from './types.js';
import { applySet, isValues, mergeValues, subchartValues, type Values, type ValuesLayer } from './values-layers.js';

/** The values a chart is installed with (over its defaults), and the part that came from files outside the repository. */
export interface ResolvedValues {
  readonly values: Values;
  /** what values files read from the chart or another source set: the repository's scan does not judge these */
  readonly external: Values;
}

const VALUES_FILE_BYTES = 1024 * 1024;

/** Reads a fetched dependency's tree: its directory. */
export type SourceReader = (source: DependencySource) => Promise<string>;

/** The layers applied in order, as Helm applies `-f` files, values and `--set`; what could not be read is a note. */
export async function resolveValues(layers: readonly ValuesLayer[], chartDirectory: string, readSource: SourceReader): Promise<{ values: ResolvedValues; notes: string[] }> {
  let values: Values = {};
  let external: Values = {};
  const notes: string[] = [];
  for (const layer of layers) {
    switch (layer.kind) {
      case 'map':
        values = mergeValues(values, layer.values);
        if (!layer.judged) external = mergeValues(external, layer.values);
        break;
      case 'set':
        try {
          applySet(values, layer.path, layer.value, layer.forceString);
          if (!layer.judged) applySet(external, layer.path, layer.value, layer.forceString);
        } catch (error) {
          notes.push(`${layer.path}=…: ${errorMessage(error)}; left out`);
        }
        break;
      case 'chart-file':
      case 'source-file': {
        const read = await readValuesFile(layer, chartDirectory, readSource);
        if (typeof read === 'string') {
          notes.push(read);
          break;
        }
        if (read) {
          values = mergeValues(values, read);
          external = mergeValues(external, read);
        }
        break;
      }
    }
  }
  return { values: { values, external }, notes };
}

async function readValuesFile(layer: Extract<ValuesLayer, { kind: 'chart-file' | 'source-file' }>, chartDirectory: string, readSource: SourceReader): Promise<Values | string | undefined> {
  const name = layer.kind === 'source-file' ? layer.ref : layer.file;
  const relative = path.posix.normalize(layer.file.replace(/^\.\//, ''));
  if (relative.startsWith('../') || relative === '..' || path.posix.isAbsolute(relative)) return `valueFiles ${name} points outside its source; left out`;
  let root = chartDirectory;
  if (layer.kind === 'source-file') {
    try {
      root = await readSource(layer.source);
    } catch (error) {
      return `valueFiles ${name}: the source was not fetched (${errorMessage(error)}), so the chart is judged without it`;
    }
  }
  let text: string;
  try {
    const bytes = await readFile(path.join(root, ...relative.split('/')));
    if (bytes.length > VALUES_FILE_BYTES) return `valueFiles ${name} is larger than 1 MiB; left out`;
    text = bytes.toString('utf8');
  } catch {
    return layer.optional ? undefined : `valueFiles ${name} is not there (Argo CD would refuse to render), so the chart is judged without it`;
  }
  try {
    const parsed: unknown = parse(text, { uniqueKeys: false });
    if (parsed === null || parsed === undefined) return undefined;
    return isValues(parsed) ? parsed : `valueFiles ${name} is not a YAML map; left out`;
  } catch {
    return `valueFiles ${name} is not valid YAML; left out`;
  }
}

/** What a chart's resolved values pass to its subchart `key`, as layers of the subchart's own values (after the parent's defaults). */
export function fromParent(parent: ResolvedValues, key: string): ValuesLayer[] {
  const layers: ValuesLayer[] = [];
  const values = subchartValues(parent.values, key);
  if (values) layers.push({ kind: 'map', values, judged: true });
  const external = subchartValues(parent.external, key);
  if (external) layers.push({ kind: 'map', values: external, judged: false });
  return layers;
}
