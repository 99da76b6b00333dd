import { isMap, isScalar, Pair, Scalar, YAMLMap, type Node } from 'yaml';
import type { ImageOccurrence } from '../image-occurrence.js';
import { getNode, mapEntries, seqItems, stringValue } from '../yaml.js';

/**
 * The values a chart is rendered with when an Argo CD source sets `helm.parameters`
 * (`{name: image.tag, value: latest}`, what `argocd app set -p` and Argo CD Image Updater's Helm
 * write-back store): the parameters laid over the values, as Argo CD gives them precedence.
 * Leaves are the written nodes (so findings point at the line that set them); maps that the
 * parameters changed are new and listed in `assembled`: nothing can be pinned by editing them.
 */
export interface ParameterValues {
  readonly values: YAMLMap;
  readonly assembled: ReadonlySet<YAMLMap>;
}

export function valuesWithParameters(parameters: Node | undefined, values: ReadonlyArray<Node | undefined>): ParameterValues | undefined {
  const assembled = new Set<YAMLMap>();
  let overrides: YAMLMap | undefined;
  for (const parameter of seqItems(parameters)) {
    const name = stringValue(getNode(parameter, 'name'));
    const value = getNode(parameter, 'value');
    if (!name || !isScalar(value)) continue;
    const path = parameterPath(name);
    if (path.length === 0) continue;
    overrides ??= newMap(assembled);
    setPath(overrides, path, value, assembled);
  }
  if (!overrides) return undefined;
  let merged: YAMLMap = newMap(assembled);
  for (const layer of [...values, overrides]) if (isMap(layer)) merged = overlay(merged, layer, assembled);
  return { values: merged, assembled };
}

/**
 * `a.b.c`, `a\.b.c` (an escaped dot is part of the key), `list[0].image` (Helm's `--set` syntax:
 * the index is dropped, images are found in lists and maps alike).
 */
export function parameterPath(name: string): string[] {
  const keys: string[] = [];
  let current = '';
  for (let index = 0; index < name.length; index += 1) {
    const char = name[index]!;
    if (char === '\\' && index + 1 < name.length) {
      current += name[index + 1];
      index += 1;
    } else if (char === '.') {
      keys.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  keys.push(current);
  const path = keys.map((key) => key.replace(/\[\d+\]$/, ''));
  return path.some((key) => key === '') ? [] : path;
}

function newMap(assembled: Set<YAMLMap>): YAMLMap {
  const map = new YAMLMap();
  assembled.add(map);
  return map;
}

function setPath(map: YAMLMap, path: readonly string[], value: Scalar, assembled: Set<YAMLMap>): void {
  let current = map;
  for (const key of path.slice(0, -1)) {
    const next = getNode(current, key);
    if (isMap(next)) {
      current = next;
    } else {
      const created = newMap(assembled);
      put(current, key, created);
      current = created;
    }
  }
  put(current, path[path.length - 1]!, value);
}

/** `base` with `top` laid over it, key by key; maps present in both are merged into new maps. */
function overlay(base: YAMLMap, top: YAMLMap, assembled: Set<YAMLMap>): YAMLMap {
  const result = newMap(assembled);
  for (const { key, value } of mapEntries(base)) put(result, key, value);
  for (const { key, value } of mapEntries(top)) {
    const under = getNode(result, key);
    put(result, key, isMap(under) && isMap(value) ? overlay(under, value, assembled) : value);
  }
  return result;
}

function put(map: YAMLMap, key: string, value: unknown): void {
  const existing = map.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
  if (existing) existing.value = value;
  else map.items.push(new Pair(new Scalar(key), value));
}

/** Images in values assembled from parameters cannot be pinned by editing a block no file holds. */
export function pinnableHere(occurrence: ImageOccurrence, assembled: ReadonlySet<YAMLMap> | undefined): ImageOccurrence {
  if (!assembled || occurrence.pin.kind !== 'mapping' || !assembled.has(occurrence.pin.map)) return occurrence;
  return { ...occurrence, pin: { kind: 'none', reason: 'the reference is assembled from helm.parameters laid over the values; pin it by setting the digest (or the whole reference) in a parameter' } };
}
