import path from 'node:path';
import { isMap, isScalar, parse as parseYaml, type Node } from 'yaml';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import type { YamlDocument } from '../../model/yaml.js';

export const FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];
export const PLUGIN_FIELDS = ['generators', 'transformers', 'validators'];

/** How a KRM function config runs: `exec` (a local program), `container`, `starlark`, or undefined when it is no function. */
export function functionRuntime(view: ResolvedYaml, root: Node | undefined): { runtime: string; node: Node; program?: string } | undefined {
  const annotations = view.path(root, 'metadata', 'annotations');
  for (const name of FUNCTION_ANNOTATIONS) {
    const node = view.get(annotations, name);
    const text = view.string(node);
    if (!node || text === undefined) continue;
    let spec: unknown;
    try {
      spec = parseYaml(text);
    } catch {
      spec = undefined;
    }
    const record = typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>) : {};
    if ('exec' in record || /^\s*exec\s*:/m.test(text)) {
      const exec = record['exec'];
      const program = typeof exec === 'object' && exec !== null ? (exec as Record<string, unknown>)['path'] : undefined;
      return { runtime: 'exec', node, ...(typeof program === 'string' ? { program } : {}) };
    }
    return { runtime: 'container' in record ? 'container' : 'starlark' in record ? 'starlark' : 'unknown', node };
  }
  return undefined;
}

/** A generator/transformer config that kustomize resolves as a legacy plugin (not `apiVersion: builtin`, not a KRM function). */
export function isLegacyPlugin(view: ResolvedYaml, root: Node | undefined): { apiVersion: string; kind: string } | undefined {
  if (!isMap(root)) return undefined;
  const apiVersion = view.string(root, 'apiVersion')?.trim();
  const kind = view.string(root, 'kind')?.trim();
  if (!apiVersion || !kind || apiVersion === 'builtin' || apiVersion.startsWith('builtin/')) return undefined;
  if (functionRuntime(view, root) !== undefined) return undefined;
  return { apiVersion, kind };
}

/**
 * The YAML documents a kustomization's `generators:`/`transformers:` entry points at: a file, or
 * the YAML files of a directory. Remote entries are left alone.
 */
export function referencedDocuments(workspace: Workspace, kustomization: YamlDocument, entry: string): readonly YamlDocument[] {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.includes('?ref=') || entry.startsWith('github.com/')) return [];
  const target = path.posix.normalize(path.posix.join(kustomization.file.directory, entry)).replace(/\/$/, '');
  const file = workspace.yamlDocumentsOf(target);
  if (file.length > 0) return file;
  return workspace.yamlDocumentsIn(target).filter((document) => !/^kustomization\.ya?ml$|^Kustomization$/.test(document.file.baseName));
}

export function isInlineConfig(node: Node | undefined): boolean {
  return isMap(node) || (isScalar(node) && typeof node.value === 'string' && /^\s*apiVersion\s*:/m.test(node.value));
}
