import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { apiGroup, type KubeObject } from '../../model/kubernetes.js';
import { isKustomizationFile } from '../../model/file-kinds.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Workspace } from '../../model/workspace.js';
import { isRecord } from '../../is-record.js';
import { perWorkspace } from './memo.js';
import { goRegExp } from '../../go-regexp.js';

/** Objects that a patch of the tree gives a `spec.serviceAccountName`. */
interface ServiceAccountPatch {
  /** the files the patching Kustomization applies */
  readonly files: ReadonlySet<string>;
  readonly target: Target;
}

interface Target {
  readonly group?: RegExp | undefined;
  readonly version?: RegExp | undefined;
  readonly kind?: RegExp | undefined;
  readonly name?: RegExp | undefined;
  readonly namespace?: RegExp | undefined;
  readonly labels?: ReadonlyMap<string, string | undefined>;
}

function isTarget(target: Target | undefined): target is Target {
  return target !== undefined;
}

type Records = Record<string, unknown>;

const SERVICE_ACCOUNT_PATH = '/spec/serviceAccountName';
const PATCHES_FIELD = /^[ \t]*(?:patches|patchesJson6902|patchesStrategicMerge)[ \t]*:/m;

/**
 * Whether a patch of the tree sets `object`'s `spec.serviceAccountName`: a Flux Kustomization's
 * `spec.patches` over what it applies (how a platform gives every tenant Kustomization or
 * HelmRelease an account from one place), or a kustomization file's patches over its resources
 * (Flux's documented lockdown patches the flux-system Kustomization that way). The object then
 * runs with that account although its own file names none.
 */
export function hasPatchedServiceAccount(workspace: Workspace, object: KubeObject): boolean {
  const patches = serviceAccountPatches(workspace);
  if (patches.length === 0) return false;
  const file = object.source.file.path;
  return patches.some((patch) => patch.files.has(file) && targets(patch.target, object));
}

function serviceAccountPatches(workspace: Workspace): ServiceAccountPatch[] {
  const tree = workspace.tree;
  return perWorkspace(tree, 'service-account-patches', () => {
    const found: ServiceAccountPatch[] = [];
    const applied = appliedFilesOf(tree);
    for (const file of tree.manifestFiles()) {
      // a kustomization file may name its patches' files, which hold the account
      const kustomization = isKustomizationFile(file.baseName);
      if (!PATCHES_FIELD.test(file.text) || (!kustomization && !file.text.includes('serviceAccountName'))) continue;
      for (const document of yamlValues(file.text)) {
        const flux = fluxPatches(document);
        const patched = flux ?? (kustomization ? { root: file.directory, targets: kustomizationPatches(document, file, tree) } : undefined);
        if (patched === undefined || patched.root === undefined || patched.targets.length === 0) continue;
        const files = applied(patched.root);
        for (const target of patched.targets) found.push({ files, target });
      }
    }
    return found;
  });
}

interface PatchedRoot {
  /** the directory whose files the patches apply to; undefined outside the tree */
  readonly root: string | undefined;
  readonly targets: Target[];
}

/** A Flux Kustomization's `spec.path` and the targets of its `spec.patches` that set the account; undefined for any other document. */
function fluxPatches(document: Records): PatchedRoot | undefined {
  if (document['kind'] !== 'Kustomization' || typeof document['apiVersion'] !== 'string') return undefined;
  if (!document['apiVersion'].startsWith('kustomize.toolkit.fluxcd.io/')) return undefined;
  const spec = document['spec'];
  // a kubeConfig applies to another cluster: what it patches there is not this tree's concern
  if (!isRecord(spec) || spec['kubeConfig'] !== undefined) return { root: undefined, targets: [] };
  const root = treePath(typeof spec['path'] === 'string' ? spec['path'] : '');
  return { root, targets: list(spec['patches']).flatMap((entry) => (isRecord(entry) ? inlinePatchTarget(entry) ?? [] : [])) };
}

/** Targets of a kustomization file's patches (inline or in patch files) that set the account. */
function kustomizationPatches(document: Records, file: SourceFile, tree: Workspace): Target[] {
  const readPatch = (written: unknown): unknown[] => {
    if (typeof written !== 'string') return [];
    const patchPath = treePath(path.posix.join(file.directory, written));
    const patchFile = patchPath === undefined ? undefined : tree.file(patchPath);
    return patchFile ? yamlValues(patchFile.text, true) : [];
  };
  const found: Target[] = [];
  for (const entry of list(document['patches'])) {
    if (!isRecord(entry)) continue;
    if (typeof entry['patch'] === 'string') found.push(...[inlinePatchTarget(entry)].filter(isTarget));
    else for (const patch of readPatch(entry['path'])) found.push(...[patchTarget(patch, entry['target'])].filter(isTarget));
  }
  for (const entry of list(document['patchesJson6902'])) {
    if (!isRecord(entry)) continue;
    for (const patch of readPatch(entry['path'])) found.push(...[patchTarget(patch, entry['target'])].filter(isTarget));
  }
  for (const entry of list(document['patchesStrategicMerge'])) {
    const patches = typeof entry === 'string' && entry.includes('\n') ? yamlValues(entry, true) : readPatch(entry);
    for (const patch of patches) found.push(...[patchTarget(patch, undefined)].filter(isTarget));
  }
  return found;
}

function inlinePatchTarget(entry: Records): Target | undefined {
  const text = entry['patch'];
  if (typeof text !== 'string') return undefined;
  const [patch] = yamlValues(text, true);
  return patchTarget(patch, entry['target']);
}

/** The objects a patch gives a non-empty serviceAccountName: its target, or what a strategic merge patch names. */
function patchTarget(patch: unknown, target: unknown): Target | undefined {
  if (Array.isArray(patch)) {
    // a JSON 6902 patch applies only with a target
    return target !== undefined && patch.some(setsServiceAccount) ? selector(target) : undefined;
  }
  if (!isRecord(patch) || !isRecord(patch['spec']) || !nonEmpty(patch['spec']['serviceAccountName'])) return undefined;
  if (target !== undefined) return selector(target);
  const metadata = isRecord(patch['metadata']) ? patch['metadata'] : {};
  const apiVersion = typeof patch['apiVersion'] === 'string' ? patch['apiVersion'] : undefined;
  return {
    group: apiVersion?.includes('/') ? anchored(escape(apiVersion.split('/')[0] ?? '')) : undefined,
    kind: typeof patch['kind'] === 'string' ? anchored(escape(patch['kind'])) : undefined,
    name: typeof metadata['name'] === 'string' ? anchored(escape(metadata['name'])) : undefined,
    namespace: typeof metadata['namespace'] === 'string' ? anchored(escape(metadata['namespace'])) : undefined,
  };
}

function setsServiceAccount(operation: unknown): boolean {
  if (!isRecord(operation)) return false;
  const op = operation['op'];
  return (op === 'add' || op === 'replace') && operation['path'] === SERVICE_ACCOUNT_PATH && nonEmpty(operation['value']);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Kustomize matches a target's group, version, kind, name and namespace as whole-string regular
 * expressions. A selector Rampart cannot evaluate (annotations, set-based labels) is not read.
 */
function selector(target: unknown): Target | undefined {
  if (!isRecord(target) || target['annotationSelector'] !== undefined) return undefined;
  const fields: Array<keyof Omit<Target, 'labels'>> = ['group', 'version', 'kind', 'name', 'namespace'];
  const read: { -readonly [K in keyof Target]?: Target[K] } = {};
  for (const key of fields) {
    const value = target[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return undefined;
    const pattern = anchored(value);
    if (pattern === undefined) return undefined;
    read[key] = pattern;
  }
  const labelText = target['labelSelector'];
  if (labelText !== undefined) {
    const labels = typeof labelText === 'string' ? equalityLabels(labelText) : null;
    if (labels === null) return undefined;
    read.labels = labels;
  }
  return read;
}

/** Kustomize's patterns are Go's (RE2): linear in the name, whatever the pattern. */
function anchored(pattern: string): RegExp | undefined {
  const compiled = goRegExp(pattern, { whole: true });
  return 'regex' in compiled ? compiled.regex : undefined;
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `a=b,c==d,e` as required labels; a selector with sets or negations is not read (null). */
function equalityLabels(text: string): Map<string, string | undefined> | null {
  const labels = new Map<string, string | undefined>();
  for (const part of text.split(',').map((piece) => piece.trim()).filter(Boolean)) {
    if (/!|\s(?:in|notin)\s|\(/.test(part)) return null;
    const [key, value] = part.split(/==?/, 2).map((piece) => piece.trim());
    if (!key) return null;
    labels.set(key, value);
  }
  return labels;
}

function targets(target: Target, object: KubeObject): boolean {
  const version = object.apiVersion.includes('/') ? object.apiVersion.slice(object.apiVersion.indexOf('/') + 1) : object.apiVersion;
  if (target.group && !target.group.test(apiGroup(object))) return false;
  if (target.version && !target.version.test(version)) return false;
  if (target.kind && !target.kind.test(object.kind)) return false;
  if (target.name && !target.name.test(object.name ?? '')) return false;
  if (target.namespace && !target.namespace.test(object.namespace ?? '')) return false;
  if (target.labels) {
    const metadata = object.node.toJSON() as unknown;
    const labels = isRecord(metadata) && isRecord(metadata['metadata']) ? metadata['metadata']['labels'] : undefined;
    for (const [key, value] of target.labels) {
      const actual = isRecord(labels) ? labels[key] : undefined;
      if (typeof actual !== 'string' || (value !== undefined && actual !== value)) return false;
    }
  }
  return true;
}

/**
 * The files a Kustomization applies from a directory: where a kustomization file decides, the local
 * files and directories it lists as resources (followed through their own kustomization files);
 * elsewhere every manifest under the directory, as Flux generates for a path without one.
 */
function appliedFilesOf(tree: Workspace): (root: string) => Set<string> {
  const manifests = tree.manifestFiles();
  const kustomizations = new Map<string, SourceFile>();
  for (const file of manifests) if (isKustomizationFile(file.baseName)) kustomizations.set(file.directory, file);
  const directories = new Set(manifests.map((file) => file.directory));
  return (root) => {
    const files = new Set<string>();
    const visited = new Set<string>();
    const visit = (directory: string): void => {
      if (visited.has(directory)) return;
      visited.add(directory);
      const kustomization = kustomizations.get(directory);
      if (kustomization === undefined) {
        for (const file of manifests) if (directory === '' || file.path.startsWith(`${directory}/`)) files.add(file.path);
        return;
      }
      for (const resource of listedResources(kustomization)) {
        if (kustomizations.has(resource) || directories.has(resource)) visit(resource);
        else files.add(resource);
      }
    };
    visit(root);
    return files;
  };
}

function listedResources(kustomization: SourceFile): string[] {
  const [document] = yamlValues(kustomization.text);
  if (!isRecord(document)) return [];
  return [...list(document['resources']), ...list(document['bases'])].flatMap((entry) => {
    if (typeof entry !== 'string' || entry.includes('://')) return [];
    const resource = treePath(path.posix.join(kustomization.directory, entry));
    return resource === undefined ? [] : [resource];
  });
}

/** The maps (or, for patches, lists too) of a YAML text; text that does not parse gives none. */
function yamlValues(text: string, listsToo = false): Records[] {
  try {
    return parseAllDocuments(text, { uniqueKeys: false }).flatMap((document) => {
      if (!('errors' in document) || document.errors.length > 0) return [];
      const value: unknown = document.toJS({ maxAliasCount: 100 });
      return isRecord(value) || (listsToo && Array.isArray(value)) ? [value as Records] : [];
    });
  } catch {
    return [];
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A path of the tree without `./`, leading or trailing slashes; outside the tree: undefined. */
function treePath(written: string): string | undefined {
  const trimmed = written.trim().replace(/^\/+/, '');
  const joined = path.posix.normalize(trimmed === '' ? '.' : trimmed).replace(/\/+$/, '');
  if (joined === '..' || joined.startsWith('../')) return undefined;
  return joined === '.' ? '' : joined;
}
