import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Scalar } from 'yaml';
import { parseRefusal } from '../../model/parse-limits.js';
import { isKustomizationFile } from '../../model/file-kinds.js';
import { apiGroup } from '../../model/kubernetes.js';
import type { SourceFile } from '../../model/source-file.js';
import type { Span } from '../../model/span.js';
import type { Workspace } from '../../model/workspace.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { documentText, spanOf } from '../../model/yaml.js';
import type { ValuesSite } from './helm-values.js';

const PATCH_LISTS = ['patches', 'patchesJson6902', 'patchesStrategicMerge'];

/**
 * Patches written inline as strings: kustomization `patches`/`patchesJson6902`/`patchesStrategicMerge`,
 * Flux Kustomization `spec.patches` and Argo CD `kustomize.patches`. A patch that sets
 * `privileged: true` or adds a hostPath volume changes the workload as much as the manifest does.
 */
export function inlinePatchSites(workspace: Workspace): ValuesSite[] {
  const sites: ValuesSite[] = [];
  for (const document of workspace.yamlDocuments()) {
    const view = new ResolvedYaml(document.document);
    if (isKustomizationFile(document.file.baseName)) collect(sites, document.file, view, document.root ?? undefined, 'kustomization');
    for (const object of workspace.kubeObjectsIn(document)) {
      const name = `${object.kind}/${object.name ?? '(unnamed)'}`;
      if (object.kind === 'Kustomization' && apiGroup(object) === 'kustomize.toolkit.fluxcd.io') collect(sites, document.file, view, view.get(object.node, 'spec'), name);
      if ((object.kind === 'Application' || object.kind === 'ApplicationSet') && apiGroup(object) === 'argoproj.io') {
        const spec = object.kind === 'ApplicationSet' ? view.path(object.node, 'spec', 'template', 'spec') : view.get(object.node, 'spec');
        for (const source of [view.get(spec, 'source'), ...view.items(view.get(spec, 'sources'))]) collect(sites, document.file, view, view.get(source, 'kustomize'), name);
      }
    }
  }
  return sites;
}

function collect(sites: ValuesSite[], file: SourceFile, view: ResolvedYaml, holder: Node | undefined, owner: string): void {
  for (const field of PATCH_LISTS) {
    for (const entry of view.items(view.get(holder, field))) {
      const patch = isScalar(entry) ? entry : view.get(entry, 'patch');
      if (!isScalar(patch) || typeof patch.value !== 'string' || parseRefusal(patch.value)) continue;
      const parsed = parseDocument(patch.value, { uniqueKeys: false });
      if (parsed.errors.length > 0 || !(isMap(parsed.contents) || isSeq(parsed.contents))) continue;
      sites.push({
        file,
        view: new ResolvedYaml(parsed),
        root: parsed.contents,
        label: `${owner} inline patch`,
        origin: 'patch',
        jsonPatch: isSeq(parsed.contents),
        locate: (node) => locateInBlock(file, patch, node),
      });
    }
  }
}

/** Maps a node of a literal block scalar's parsed text back to the file; other scalar styles point at the whole scalar. */
function locateInBlock(file: SourceFile, scalar: Scalar, node: Node): Span | undefined {
  const whole = spanOf(file, scalar);
  const offset = node.range?.[0];
  if (!whole || offset === undefined || scalar.type !== 'BLOCK_LITERAL') return whole;
  const text = String(scalar.value);
  const before = text.slice(0, offset);
  const lineInBlock = before.split('\n').length - 1;
  const column = offset - (before.lastIndexOf('\n') + 1);
  const headerLine = file.position(whole.start).line;
  const firstContent = Array.from({ length: 50 }, (_, index) => file.lineText(headerLine + 1 + index)).find((line) => line.trim() !== '') ?? '';
  const indent = firstContent.length - firstContent.trimStart().length;
  const start = file.lines.lineStart(headerLine + 1 + lineInBlock) + indent + column;
  const length = Math.max(1, Math.min((node.range?.[1] ?? offset) - offset, file.lineText(headerLine + 1 + lineInBlock).length - indent - column));
  return start + length <= whole.end ? file.span(start, start + length) : whole;
}

/** Keys whose strings are patches, read by `inlinePatchSites`. */
const PATCH_KEYS = new Set(['patch', ...PATCH_LISTS]);

/**
 * Pod specs written inside a string: a runner's pod template in a ConfigMap or in chart values
 * (`podspec.yaml: |` holding `containers:`), a whole manifest kept as text. They run as written,
 * so the workload rules read them where they parse as YAML with containers.
 */
export function embeddedPodSpecSites(workspace: Workspace): ValuesSite[] {
  const sites: ValuesSite[] = [];
  for (const document of workspace.yamlDocuments()) {
    // a literal block starts with `|`: a file without one holds no pod spec written as text
    const text = documentText(document);
    if (!text.includes('ontainers:') || !text.includes('|')) continue;
    eachBlockLiteral(document.document.contents, document.document, undefined, (node, parent, grand) => {
      if (typeof node.value !== 'string' || !/(^|\n)\s*(init)?[cC]ontainers:/.test(node.value)) return;
      const key = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : isSeq(parent) && isPair(grand) && isScalar(grand.key) ? String(grand.key.value) : '';
      if (PATCH_KEYS.has(key) || parseRefusal(node.value)) return;
      const parsed = parseDocument(node.value, { uniqueKeys: false });
      if (parsed.errors.length > 0 || !isMap(parsed.contents)) return;
      sites.push({
        file: document.file,
        view: new ResolvedYaml(parsed),
        root: parsed.contents,
        label: `${document.file.baseName} ${key || 'string'} (a pod spec written as text)`,
        origin: 'text',
        locate: (inner) => locateInBlock(document.file, node, inner),
      });
    });
  }
  return sites;
}

/**
 * Each literal block scalar (`|`) under `node`, keys included, with its parent and grandparent as
 * yaml's `visit` gives them (a pair or sequence, then what holds it); aliases are not followed. A
 * walk of its own: `visit` calls back for every node and built a path array for each, the cost of
 * this view in a tree scan's profile.
 */
function eachBlockLiteral(node: unknown, parent: unknown, grand: unknown, found: (scalar: Scalar, parent: unknown, grand: unknown) => void): void {
  if (isScalar(node)) {
    if (node.type === 'BLOCK_LITERAL') found(node, parent, grand);
    return;
  }
  if (!isMap(node) && !isSeq(node)) return;
  for (const item of node.items as unknown[]) {
    if (isPair(item)) {
      eachBlockLiteral(item.key, item, node, found);
      eachBlockLiteral(item.value, item, node, found);
    } else {
      eachBlockLiteral(item, node, parent, found);
    }
  }
}