import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { KubeObject } from './kubernetes.js';
import { localPath } from './kustomize-patches.js';
import { isKustomizationFile } from './file-kinds.js';
import type { SourceFile } from './source-file.js';
import { documentsInBlockLiteral, documentsInOtherString } from './yaml-in-string.js';
import type { Workspace } from './workspace.js';
import { getNode, getString, seqItems, stringValue, type YamlDocument } from './yaml.js';

/** One patch a kustomization (or a controller that runs kustomize) applies, written where it is used. */
export interface InlinePatch {
  /** a strategic merge patch (an object fragment) or a JSON 6902 operation list */
  readonly root: Node;
  /** the `target:` selector the patch is applied with, if any */
  readonly target?: Node;
  /** where it is written, for messages: `kustomization patches[0]` */
  readonly label: string;
  /**
   * false when the patch is a string in another style than a literal block (`patch: '[{"op": …}]'`):
   * its nodes all span the whole string, which findings may point at but no edit may rewrite
   */
  readonly located: boolean;
}

/**
 * Patches written inline: a kustomization file's `patches[].patch`, `patchesStrategicMerge[]` and
 * `patchesJson6902[].patch` (YAML in a literal block string), the same fields of a Flux
 * `Kustomization`'s spec and of a `HelmRelease` post-renderer's `kustomize` (strings, or operations
 * written as YAML), and an Argo CD Application's `kustomize.patches`. What they set is applied as
 * surely as the manifests they patch: an image, a privileged container.
 */
export function inlinePatches(document: YamlDocument): InlinePatch[] {
  const root = document.root;
  if (!isMap(root)) return [];
  const file = document.file;
  if (isKustomizationFile(file.baseName)) return patchesOf(file, root, 'kustomization');
  const apiVersion = getString(root, 'apiVersion') ?? '';
  const kind = getString(root, 'kind');
  const spec = getNode(root, 'spec');
  if (kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) return patchesOf(file, spec, `${kind} spec`);
  if (kind === 'HelmRelease') {
    return seqItems(getNode(spec, 'postRenderers')).flatMap((renderer, index) => patchesOf(file, getNode(renderer, 'kustomize'), `${kind} postRenderers[${index}].kustomize`));
  }
  if ((kind === 'Application' || kind === 'ApplicationSet') && apiVersion.startsWith('argoproj.io/')) {
    const appSpec = kind === 'ApplicationSet' ? getNode(getNode(spec, 'template'), 'spec') : spec;
    const sources = [getNode(appSpec, 'source'), ...seqItems(getNode(appSpec, 'sources'))];
    return sources.flatMap((source) => patchesOf(file, getNode(source, 'kustomize'), `${kind} kustomize`));
  }
  return [];
}

function patchesOf(file: SourceFile, holder: Node | undefined, where: string): InlinePatch[] {
  if (!isMap(holder)) return [];
  const found: InlinePatch[] = [];
  const add = (written: Node | undefined, target: Node | undefined, label: string): void => {
    for (const { root, located } of patchBodies(file, written)) found.push({ root, label, located, ...(target ? { target } : {}) });
  };
  seqItems(getNode(holder, 'patches')).forEach((entry, index) => add(getNode(entry, 'patch'), getNode(entry, 'target'), `${where} patches[${index}]`));
  seqItems(getNode(holder, 'patchesJson6902')).forEach((entry, index) => add(getNode(entry, 'patch'), getNode(entry, 'target'), `${where} patchesJson6902[${index}]`));
  // strategic merge patches written as objects (Flux) are objects of the document already; strings are not
  seqItems(getNode(holder, 'patchesStrategicMerge')).forEach((entry, index) => {
    if (isScalar(entry)) add(entry, undefined, `${where} patchesStrategicMerge[${index}]`);
  });
  return found;
}

/** A patch written as a string (one or more documents), or as YAML operations. */
function patchBodies(file: SourceFile, written: Node | undefined): Array<{ root: Node; located: boolean }> {
  if (isSeq(written)) return [{ root: written, located: true }];
  const inBlock = documentsInBlockLiteral(file, written).map((root) => ({ root, located: true }));
  return inBlock.length > 0 ? inBlock : documentsInOtherString(written).map((root) => ({ root, located: false }));
}

/**
 * JSON 6902 patches a kustomization applies from files of the tree (`patches: - path: p.yaml,
 * target: …`, `patchesJson6902: - path: p.json`), with the target it names: the file holds only the
 * operation list, so what it patches is known from the kustomization alone.
 */
export interface PatchFile {
  readonly document: YamlDocument;
  readonly patch: InlinePatch;
}

export function jsonPatchFiles(workspace: Workspace): PatchFile[] {
  return workspace.derived('json-patch-files', () => {
    const found: PatchFile[] = [];
    for (const kustomization of workspace.kustomizations()) {
      if (!kustomization.file.mentions('path')) continue;
      for (const field of ['patches', 'patchesJson6902']) {
        seqItems(getNode(kustomization.root, field)).forEach((entry, index) => {
          const written = getString(entry, 'path');
          const target = getNode(entry, 'target');
          if (!isMap(target)) return;
          const path = written === undefined ? undefined : localPath(kustomization.file.directory, written);
          if (path === undefined) return;
          for (const document of workspace.yamlDocumentsOf(path)) {
            if (!isJsonPatch(document.root)) continue;
            const label = `${document.file.baseName} (${kustomization.file.path} ${field}[${index}])`;
            found.push({ document, patch: { root: document.root as Node, target, label, located: true } });
          }
        });
      }
    }
    return found;
  });
}

/** JSON 6902 operations: a list of maps, each with an `op` and a `path` that starts with `/`. */
export function isJsonPatch(node: Node | null | undefined): boolean {
  if (!isSeq(node) || node.items.length === 0) return false;
  return node.items.every((item) => isMap(item) && stringValue(getNode(item, 'op')) !== undefined && (stringValue(getNode(item, 'path')) ?? '').startsWith('/'));
}

/** An operation that writes a value (`add`, `replace`), with the path split into its JSON pointer segments. */
export interface WritingOperation {
  readonly op: 'add' | 'replace';
  readonly segments: readonly string[];
  readonly path: string;
  readonly value: Node;
}

export function writingOperations(patch: Node): WritingOperation[] {
  const found: WritingOperation[] = [];
  for (const item of seqItems(patch)) {
    const op = stringValue(getNode(item, 'op'));
    const path = stringValue(getNode(item, 'path'));
    const value = getNode(item, 'value');
    if ((op !== 'add' && op !== 'replace') || path === undefined || !path.startsWith('/') || value === undefined) continue;
    found.push({ op, path, value, segments: path.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~')) });
  }
  return found;
}

/**
 * The strategic merge patches written inline, as the object fragments they are: the kind and name
 * they patch come from themselves or from their target.
 */
export function inlinePatchObjects(document: YamlDocument, patches = inlinePatches(document)): KubeObject[] {
  return patches.flatMap((patch) => {
    if (!isMap(patch.root)) return [];
    const kind = getString(patch.root, 'kind') ?? getString(patch.target, 'kind');
    if (!kind) return [];
    const group = getString(patch.target, 'group');
    const version = getString(patch.target, 'version') ?? 'v1';
    return [{
      source: document,
      node: patch.root,
      apiVersion: getString(patch.root, 'apiVersion') ?? (group ? `${group}/${version}` : version),
      kind,
      name: getString(patch.root, 'metadata', 'name') ?? getString(patch.target, 'name'),
      namespace: getString(patch.root, 'metadata', 'namespace') ?? getString(patch.target, 'namespace'),
      patchFragment: patch.label,
    }];
  });
}
