import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { followAlias, scalarKey, stringValue } from './yaml.js';

const MERGE_KEY = '<<';
const MAX_ALIAS_DEPTH = 16;

export interface ResolvedEntry {
  readonly key: string;
  readonly pair: Pair<unknown, unknown>;
  /** the value with aliases followed; undefined for `key:` with no value */
  readonly value: Node | undefined;
}

/**
 * Reads YAML nodes the way Kubernetes tooling does: aliases (`*name`) are followed to their
 * anchors and merge keys (`<<: *base`) contribute the keys a map does not set itself. Duplicate
 * keys are all kept, because tools disagree on which one wins (yaml.v3 rejects the document,
 * JSON-style decoders keep the last): a check that looks at every value reports a real risk
 * whichever parser applies the file.
 */
export class ResolvedYaml {
  constructor(private readonly document: Document.Parsed) {}

  /** Follows aliases; a dangling or cyclic alias gives undefined. */
  resolve(node: unknown): Node | undefined {
    let current: unknown = node;
    for (let depth = 0; depth < MAX_ALIAS_DEPTH; depth += 1) {
      if (!isAlias(current)) return (current ?? undefined) as Node | undefined;
      current = followAlias(this.document, current);
    }
    return undefined;
  }

  /** The map at `node` (through aliases), or undefined. */
  map(node: unknown): YAMLMap | undefined {
    const resolved = this.resolve(node);
    return isMap(resolved) ? resolved : undefined;
  }

  /** Entries of a map, merge keys expanded (own keys first), duplicates kept. */
  entries(node: unknown, seen?: Set<unknown>): ResolvedEntry[] {
    const map = this.map(node);
    if (!map || seen?.has(map)) return [];
    const own: ResolvedEntry[] = [];
    // merge keys are rare: the common case allocates nothing beyond the entries themselves
    let merged: ResolvedEntry[] | undefined;
    for (const pair of map.items) {
      const key = scalarKey(pair);
      if (key === undefined) continue;
      if (key === MERGE_KEY) {
        const visited = seen ?? new Set<unknown>();
        visited.add(map);
        const sources = this.resolve(pair.value);
        const list = isSeq(sources) ? sources.items : [sources];
        merged ??= [];
        for (const source of list) merged.push(...this.entries(source, visited));
        continue;
      }
      own.push({ key, pair, value: this.resolve(pair.value) });
    }
    if (!merged) return own;
    const ownKeys = new Set(own.map((entry) => entry.key));
    return [...own, ...merged.filter((entry) => !ownKeys.has(entry.key))];
  }

  /**
   * Each entry `entries` would list, in its order, without building the list when the map has no
   * merge key. One pass over the pairs: a map's own entries come first in `entries`, so they are
   * handed over as they are read, and the keys merge keys bring in follow.
   */
  eachEntry(node: unknown, each: (key: string, value: Node | undefined) => void): void {
    const map = this.map(node);
    if (!map) return;
    let own = 0;
    let merges = false;
    for (const pair of map.items) {
      const key = scalarKey(pair);
      if (key === undefined) continue;
      if (key === MERGE_KEY) {
        merges = true;
        continue;
      }
      own += 1;
      each(key, this.resolve(pair.value));
    }
    if (!merges) return;
    const entries = this.entries(map);
    for (let index = own; index < entries.length; index += 1) each(entries[index]!.key, entries[index]!.value);
  }

  /**
   * Where the value of `key` is written in this map: its own value node as written (an alias
   * stays an alias), or the `<<` merge value it came through. Findings about values shared through
   * anchors point here, at the line of the object they are about.
   */
  writtenAt(node: unknown, key: string): Node | undefined {
    const map = this.map(node);
    if (!map) return undefined;
    let merge: Node | undefined;
    let own: Node | undefined;
    for (const pair of map.items) {
      const name = scalarKey(pair);
      if (name === key) own = (pair.value ?? undefined) as Node | undefined;
      if (name === MERGE_KEY && this.entries(pair.value).some((entry) => entry.key === key)) merge ??= pair.value as Node;
    }
    return own ?? merge;
  }

  /** Every value written for `key` (duplicates included), aliases followed. */
  all(node: unknown, key: string): Node[] {
    const map = this.map(node);
    if (!map) return [];
    // the common case reads the map's own pairs once, without building its entries: rules ask for keys of every object a webhook judges
    const values: Node[] = [];
    for (const pair of map.items) {
      const written = scalarKey(pair);
      if (written === MERGE_KEY) return this.entries(map).filter((entry) => entry.key === key && entry.value !== undefined).map((entry) => entry.value as Node);
      if (written !== key) continue;
      const value = this.resolve(pair.value);
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  /** The value of `key`; with duplicate keys, the last one (what JSON-style decoders keep). */
  get(node: unknown, key: string): Node | undefined {
    const map = this.map(node);
    if (!map) return undefined;
    let found: Node | undefined;
    for (const pair of map.items) {
      const written = scalarKey(pair);
      if (written === MERGE_KEY) {
        const values = this.all(map, key);
        return values[values.length - 1];
      }
      if (written === key) found = this.resolve(pair.value) ?? found;
    }
    return found;
  }

  path(node: unknown, ...keys: string[]): Node | undefined {
    let current: Node | undefined = this.resolve(node);
    for (const key of keys) {
      current = this.get(current, key);
      if (current === undefined) return undefined;
    }
    return current;
  }

  string(node: unknown, ...keys: string[]): string | undefined {
    return stringValue(this.path(node, ...keys));
  }

  /** Sequence items through aliases; a scalar or map where a list is expected gives []. */
  items(node: unknown): Node[] {
    const resolved = this.resolve(node);
    if (!isSeq(resolved)) return [];
    return resolved.items.map((item) => this.resolve(item)).filter((item): item is Node => item !== undefined);
  }

  /** The string items of a list. A single string where a list belongs is a shape the API server rejects, so it gives []. */
  strings(node: unknown): Array<{ value: string; node: Scalar }> {
    return this.items(node).flatMap((item) => {
      const value = stringValue(item);
      return value !== undefined && isScalar(item) ? [{ value, node: item }] : [];
    });
  }
}

/** `true`, `"true"`, `True`: how Kubernetes and Argo CD settings spell an enabled flag. */
export function isTrue(node: unknown): boolean {
  const value = stringValue(node);
  return value !== undefined && value.trim().toLowerCase() === 'true';
}

/** YAML 1.1 spellings of true, which Kubernetes' decoders (go-yaml v2 via sigs.k8s.io/yaml) still accept unquoted. */
const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);

/** A boolean field set to true: `true`, or an unquoted YAML 1.1 `yes`/`on`. A quoted "true" is a string the API rejects. */
export function isBooleanTrue(node: unknown): boolean {
  if (!isScalar(node)) return false;
  if (node.value === true) return true;
  return typeof node.value === 'string' && node.type === 'PLAIN' && YAML11_TRUE.has(node.value);
}
