import path from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ScanSettings } from '../../engine/settings.js';
import { normaliseGitUrl } from '../../model/remote-refs.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { followAlias, innerSpanOf, scalarKey, stringValue, type YamlDocument } from '../../model/yaml.js';

/** Follows a YAML alias (`*name`) to its anchor's node; a dangling alias gives undefined. */
export function deref(document: YamlDocument, node: unknown): Node | undefined {
  return followAlias(document.document, node);
}

export interface ScalarText {
  readonly value: string;
  /** the content, inside quotes */
  readonly span: Span;
  /** true when YAML read a number or boolean (`targetRevision: 1.2`) */
  readonly nonString: boolean;
}

/** Values of every `key` of a map: duplicate keys are all kept, since tools disagree on which one wins. */
export function valuesOf(document: YamlDocument, node: unknown, key: string): Node[] {
  const map = deref(document, node);
  if (!isMap(map)) return [];
  return map.items.flatMap((pair) => {
    if (scalarKey(pair) !== key) return [];
    const value = deref(document, pair.value);
    return value === undefined ? [] : [value];
  });
}

/** True when `key` is written with a list or map where a controller expects a scalar. */
export function hasNonScalar(document: YamlDocument, node: unknown, ...keys: string[]): boolean {
  return keys.some((key) => valuesOf(document, node, key).some((value) => isMap(value) || isSeq(value)));
}

/** A scalar's text as written (numbers as written, not as parsed), with its span. */
export function scalarText(file: SourceFile, node: unknown): ScalarText | undefined {
  if (!isScalar(node)) return undefined;
  const value = stringValue(node);
  const span = innerSpanOf(file, node);
  if (value === undefined || !span) return undefined;
  return { value, span, nonString: typeof node.value !== 'string' };
}

/** Whether a repository URL names the scanned repository itself (one of its git remotes). */
export function isOwnRepository(settings: ScanSettings, url: string): boolean {
  const remotes = settings.repository?.remotes ?? [];
  if (remotes.length === 0) return false;
  const normalised = normaliseGitUrl(url);
  return normalised !== undefined && remotes.includes(normalised);
}

// keyed by the tree's paths, which the batches of one scan share
const directoriesMemo = new WeakMap<ReadonlySet<string>, Set<string>>();

/** Whether `relative` (a file or directory, POSIX, relative to the root) is in the scanned tree. */
export function existsInTree(workspace: Workspace, relative: string): boolean {
  const normalised = path.posix.normalize(relative).replace(/\/+$/, '');
  if (normalised.startsWith('..')) return false;
  if (workspace.has(normalised)) return true;
  let directories = directoriesMemo.get(workspace.allPaths);
  if (!directories) {
    directories = new Set();
    for (const file of workspace.allPaths) {
      for (let slash = file.lastIndexOf('/'); slash > 0; slash = file.lastIndexOf('/', slash - 1)) {
        const directory = file.slice(0, slash);
        if (directories.has(directory)) break;
        directories.add(directory);
      }
    }
    directoriesMemo.set(workspace.allPaths, directories);
  }
  return directories.has(normalised) || normalised === '.' || normalised === '';
}

export function joinPath(directory: string, entry: string): string {
  return directory === '' ? entry : `${directory}/${entry}`;
}
