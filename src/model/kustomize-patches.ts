import path from 'node:path';
import { isKustomizationFile } from './file-kinds.js';
import { parseRefusal } from './parse-limits.js';
import type { KubeObject } from './kubernetes.js';
import type { SourceFile } from './source-file.js';
import type { Workspace } from './workspace.js';
import { Parser } from '../vendor/yaml-push/parser.js';
import { composeInBatches } from './yaml-quoted-indent.js';

const PATCH_FIELD = /^[ \t]*(?:patches|patchesStrategicMerge|patchesJson6902)[ \t]*:/m;
const RESOURCES_FIELD = /^[ \t]*resources[ \t]*:/m;

/**
 * Files a kustomization applies as patches (`patches: - path:`, `patchesStrategicMerge: - file`,
 * `patchesJson6902: - path:`) and no kustomization lists as a resource. Such a file holds only the
 * fields it changes: an object in it is a fragment of one defined elsewhere, so a field it leaves
 * out is the base's, not missing.
 */
export function kustomizePatchPaths(files: readonly SourceFile[]): Set<string> {
  const patches = new Set<string>();
  const kustomizations = files.filter((file) => isKustomizationFile(file.baseName) && parseRefusal(file.text) === undefined);
  // each kustomization read once, for its patches and then its resources
  const read = new Map<SourceFile, Record<string, unknown> | undefined>();
  const readOnce = (file: SourceFile): Record<string, unknown> | undefined => {
    if (!read.has(file)) read.set(file, firstMap(file.text));
    return read.get(file);
  };
  for (const file of kustomizations) {
    const kustomization = PATCH_FIELD.test(file.text) ? readOnce(file) : undefined;
    if (!kustomization) continue;
    const resolve = resolver(file);
    for (const entry of list(kustomization['patches'])) add(patches, resolve(field(entry, 'path')));
    for (const entry of list(kustomization['patchesJson6902'])) add(patches, resolve(field(entry, 'path')));
    for (const entry of list(kustomization['patchesStrategicMerge'])) add(patches, resolve(entry));
  }
  if (patches.size === 0) return patches;
  const mayList = mayListAsResource(patches);
  for (const file of kustomizations) {
    const kustomization = RESOURCES_FIELD.test(file.text) && mayList(file) ? readOnce(file) : undefined;
    const resolve = resolver(file);
    for (const entry of list(kustomization?.['resources'])) {
      const resource = resolve(entry);
      if (resource !== undefined) patches.delete(resource);
    }
  }
  return patches;
}

/**
 * Whether a kustomization may list one of `patches` as a resource, so that it has to be read. An
 * entry that resolves to a patch holds the patch's name as written (normalising only drops `.` and
 * `..` segments), unless escaped (`\\`), folded over lines (a name with a space) or made only of
 * such segments (then it names the kustomization's own directory or one above it). Most
 * kustomizations name no patch and are not parsed a second time here.
 */
function mayListAsResource(patches: ReadonlySet<string>): (file: SourceFile) => boolean {
  const names = [...new Set([...patches].map((patch) => patch.slice(patch.lastIndexOf('/') + 1)))];
  if (names.some((name) => /\s/.test(name))) return () => true;
  return (file) => file.text.includes('\\') || names.some((name) => file.text.includes(name)) || directoryAndAbove(file.directory).some((directory) => patches.has(directory));
}

/** `a/b`, `a` and `.` for `a/b`, as `localPath` writes them. */
function directoryAndAbove(directory: string): string[] {
  const found = ['.'];
  for (let slash = directory.indexOf('/'); slash !== -1; slash = directory.indexOf('/', slash + 1)) found.push(directory.slice(0, slash));
  if (directory !== '') found.push(directory);
  return found;
}

function resolver(file: SourceFile): (entry: unknown) => string | undefined {
  return (entry) => (typeof entry === 'string' ? localPath(file.directory, entry) : undefined);
}

/** The first document of a kustomization file as plain values, when it is a map: the documents after it are not composed. */
function firstMap(text: string): Record<string, unknown> | undefined {
  try {
    const { value: document } = composeInBatches(new Parser(), text).next();
    if (!document || document.errors.length > 0) return undefined;
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(entry: unknown, key: string): unknown {
  return entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>)[key] : undefined;
}

/** A file of the tree named relative to the kustomization's directory; not an inline patch or a URL. */
export function localPath(directory: string, entry: string): string | undefined {
  const trimmed = entry.trim();
  if (trimmed === '' || trimmed.includes('\n') || trimmed.includes('://') || path.posix.isAbsolute(trimmed)) return undefined;
  const joined = path.posix.normalize(path.posix.join(directory, trimmed));
  return joined.startsWith('../') || joined === '..' ? undefined : joined;
}

function add(set: Set<string>, value: string | undefined): void {
  if (value !== undefined) set.add(value);
}

/** Whether `object` is a fragment a kustomization patches onto an object defined elsewhere (`kustomizePatchPaths`). */
export function isPatchFragment(workspace: Workspace, object: KubeObject): boolean {
  return workspace.kustomizePatchPaths().has(object.source.file.path);
}
