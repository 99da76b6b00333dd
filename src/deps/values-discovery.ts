import path from 'node:path';
import { isMap, parse, type Node } from 'yaml';
import { isTemplatedValue } from '../model/git-ref.js';
import { apiGroup, type KubeObject } from '../model/kubernetes.js';
import type { Workspace } from '../model/workspace.js';
import { getNode, mapEntries, seqItems, type YamlDocument } from '../model/yaml.js';
import { deref, joinPath, scalarText } from '../rules/dependencies/support.js';
import { isValues, subchartValues, type Values, type ValuesLayer } from './values-layers.js';

/** The layers of values one reference gives its chart, and what could not be read (said, not guessed). */
export interface DiscoveredValues {
  readonly layers: ValuesLayer[];
  readonly notes: string[];
}

const FLUX_DEFAULT_KEY = 'values.yaml';

/** Plain data of a YAML map node, or undefined. */
export function plainMap(node: Node | undefined): Values | undefined {
  if (!isMap(node)) return undefined;
  try {
    const value: unknown = node.toJSON();
    return isValues(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function parseValuesText(text: string): Values | undefined | 'invalid' {
  try {
    const parsed: unknown = parse(text, { uniqueKeys: false });
    if (parsed === null || parsed === undefined) return {};
    return isValues(parsed) ? parsed : 'invalid';
  } catch {
    return 'invalid';
  }
}

/**
 * A Flux HelmRelease's values as helm-controller builds them: each `valuesFrom` entry in order
 * (a ConfigMap's or Secret's `valuesKey`, default `values.yaml`, merged, or set at `targetPath`),
 * then `spec.values` over them all. ConfigMaps and Secrets are looked for in the tree (manifests,
 * and Kustomize `configMapGenerator`/`secretGenerator`) in the HelmRelease's namespace.
 */
export function fluxValues(workspace: Workspace, release: KubeObject): DiscoveredValues {
  const document = release.source;
  const spec = deref(document, getNode(release.node, 'spec'));
  const found: DiscoveredValues = { layers: [], notes: [] };
  for (const item of seqItems(deref(document, getNode(spec, 'valuesFrom')))) {
    const entry = deref(document, item);
    const text = (key: string): string | undefined => scalarText(document.file, deref(document, getNode(entry, key)))?.value;
    const kind = text('kind');
    const name = text('name');
    if ((kind !== 'ConfigMap' && kind !== 'Secret') || !name || isTemplatedValue(name)) continue;
    const key = text('valuesKey') || FLUX_DEFAULT_KEY;
    const targetPath = text('targetPath');
    const optional = text('optional') === 'true';
    const source = `valuesFrom ${kind}/${name}${key === FLUX_DEFAULT_KEY ? '' : ` key ${key}`}`;
    const data = valuesData(workspace, kind, name, release.namespace);
    if (data === 'encrypted') {
      found.notes.push(`${source} is encrypted in the repository (SOPS), so the chart is judged without those values`);
      continue;
    }
    const value = data?.get(key);
    if (value === undefined) {
      if (optional) continue;
      found.notes.push(data
        ? `valuesFrom ${kind}/${name} has no key ${key} in the repository, so the chart is judged without it`
        : `${source} is not in the repository (made elsewhere?), so the chart is judged without those values`);
      continue;
    }
    if (targetPath) {
      const quoted = /^"(.*)"$/s.exec(value);
      found.layers.push({ kind: 'set', path: targetPath, value: quoted ? quoted[1]! : value, forceString: quoted !== null, judged: false });
      continue;
    }
    const values = parseValuesText(value);
    if (values !== 'invalid' && values && isSopsEncrypted(values)) found.notes.push(`${source} is encrypted in the repository (SOPS), so the chart is judged without those values`);
    else if (values === 'invalid') found.notes.push(`${source} is not a YAML map of values, so the chart is judged without it`);
    else if (values) found.layers.push({ kind: 'map', values, judged: false }); // the repository's scan does not read values held in data
  }
  const inline = plainMap(deref(document, getNode(spec, 'values')));
  if (inline) found.layers.push({ kind: 'map', values: inline, judged: true });
  return found;
}

/** A SOPS-encrypted document: its values are ciphertext (`ENC[…]`), and its `sops` key holds the metadata. */
function isSopsEncrypted(values: Values): boolean {
  const sops = values['sops'];
  return isValues(sops) && ('mac' in sops || 'lastmodified' in sops || 'age' in sops || 'pgp' in sops || 'kms' in sops);
}

type DataIndex = Map<string, ReadonlyMap<string, string> | 'encrypted'>;
const dataIndexes = new WeakMap<Workspace, DataIndex>();

function valuesData(workspace: Workspace, kind: 'ConfigMap' | 'Secret', name: string, namespace: string | undefined): ReadonlyMap<string, string> | 'encrypted' | undefined {
  let index = dataIndexes.get(workspace);
  if (!index) {
    index = indexData(workspace);
    dataIndexes.set(workspace, index);
  }
  return index.get(`${kind}/${namespace ?? ''}/${name}`) ?? index.get(`${kind}/*/${name}`);
}

/** ConfigMaps and Secrets of the tree by `Kind/namespace/name` (and `Kind/*\/name` for the first of each name): their data as text. */
function indexData(workspace: Workspace): DataIndex {
  const index: DataIndex = new Map();
  const put = (kind: string, namespace: string | undefined, name: string, data: ReadonlyMap<string, string> | 'encrypted'): void => {
    if (!index.has(`${kind}/${namespace ?? ''}/${name}`)) index.set(`${kind}/${namespace ?? ''}/${name}`, data);
    if (!index.has(`${kind}/*/${name}`)) index.set(`${kind}/*/${name}`, data);
  };
  for (const object of workspace.kubeObjects()) {
    if (object.renderedFrom || apiGroup(object) !== '' || (object.kind !== 'ConfigMap' && object.kind !== 'Secret') || !object.name) continue;
    put(object.kind, object.namespace, object.name, objectData(object));
  }
  for (const kustomization of workspace.kustomizations()) generatedData(workspace, kustomization, put);
  return index;
}

function objectData(object: KubeObject): ReadonlyMap<string, string> | 'encrypted' {
  const document = object.source;
  if (getNode(object.node, 'sops')) return 'encrypted';
  const data = new Map<string, string>();
  const read = (field: string, decode: boolean): void => {
    for (const { key, value } of mapEntries(deref(document, getNode(object.node, field)))) {
      const text = scalarText(document.file, deref(document, value))?.value;
      if (text === undefined) continue;
      data.set(key, decode ? Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8') : text);
    }
  };
  read('data', object.kind === 'Secret');
  if (object.kind === 'Secret') read('stringData', false); // stringData wins over data, as the API server merges them
  return data;
}

/** `configMapGenerator` / `secretGenerator` entries: `files` (`key=path` or `path`) read from the tree, `literals`. */
function generatedData(workspace: Workspace, kustomization: YamlDocument, put: (kind: string, namespace: string | undefined, name: string, data: ReadonlyMap<string, string>) => void): void {
  const file = kustomization.file;
  const namespace = scalarText(file, deref(kustomization, getNode(kustomization.root, 'namespace')))?.value;
  for (const [field, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
    for (const item of seqItems(deref(kustomization, getNode(kustomization.root, field)))) {
      const entry = deref(kustomization, item);
      const name = scalarText(file, deref(kustomization, getNode(entry, 'name')))?.value;
      if (!name) continue;
      const data = new Map<string, string>();
      for (const fileItem of seqItems(deref(kustomization, getNode(entry, 'files')))) {
        const spec = scalarText(file, deref(kustomization, fileItem))?.value;
        if (!spec) continue;
        const equals = spec.indexOf('=');
        const relative = equals === -1 ? spec : spec.slice(equals + 1);
        const text = workspace.file(path.posix.normalize(joinPath(file.directory, relative)))?.text;
        if (text !== undefined) data.set(equals === -1 ? path.posix.basename(relative) : spec.slice(0, equals), text);
      }
      for (const literal of seqItems(deref(kustomization, getNode(entry, 'literals')))) {
        const spec = scalarText(file, deref(kustomization, literal))?.value;
        const equals = spec?.indexOf('=') ?? -1;
        if (spec && equals > 0) data.set(spec.slice(0, equals), spec.slice(equals + 1));
      }
      const own = scalarText(file, deref(kustomization, getNode(entry, 'namespace')))?.value;
      put(kind, own ?? namespace, name, data);
    }
  }
}

/**
 * An Argo CD chart source's values as the repo-server passes them to `helm template`: each
 * `valueFiles` entry (`-f`, a file in the chart, or `$ref/path` in the multi-source `ref` source),
 * then `valuesObject` (else `values`), then `parameters` (`--set`, `--set-string` when forceString).
 */
export function argoValues(object: KubeObject, source: Node, refSource: (ref: string) => { url: string; asked: string } | undefined): DiscoveredValues {
  const document = object.source;
  const helm = deref(document, getNode(source, 'helm'));
  const found: DiscoveredValues = { layers: [], notes: [] };
  if (!isMap(helm)) return found;
  const text = (node: Node | undefined, key: string): string | undefined => scalarText(document.file, deref(document, getNode(node, key)))?.value;
  const optional = text(helm, 'ignoreMissingValueFiles') === 'true';
  for (const item of seqItems(deref(document, getNode(helm, 'valueFiles')))) {
    const file = scalarText(document.file, deref(document, item))?.value;
    const ref = file ? /^\$([\w-]+)\/(.+)$/.exec(file) : null;
    if (!file || isTemplatedValue(ref ? ref[2]! : file)) continue;
    if (ref) {
      const target = refSource(ref[1]!);
      if (!target) found.notes.push(`valueFiles ${file} names no source with ref: ${ref[1]}, so the chart is judged without it`);
      else found.layers.push({ kind: 'source-file', source: { type: 'git', url: target.url, asked: target.asked }, file: ref[2]!, optional, ref: file });
    } else if (/^[a-z][\w+.-]*:\/\//i.test(file)) {
      found.notes.push(`valueFiles ${file} is a URL, which is not fetched, so the chart is judged without it`);
    } else {
      found.layers.push({ kind: 'chart-file', file, optional });
    }
  }
  const object_ = plainMap(deref(document, getNode(helm, 'valuesObject')));
  const inline = text(helm, 'values');
  if (object_) found.layers.push({ kind: 'map', values: object_, judged: true });
  else if (inline && !isTemplatedValue(inline)) {
    const values = parseValuesText(inline);
    if (values === 'invalid') found.notes.push(`helm.values is not a YAML map, so the chart is judged without it`);
    else if (values) found.layers.push({ kind: 'map', values, judged: true });
  }
  for (const item of seqItems(deref(document, getNode(helm, 'parameters')))) {
    const parameter = deref(document, item);
    const name = text(parameter, 'name');
    const value = text(parameter, 'value') ?? '';
    if (!name || isTemplatedValue(name) || isTemplatedValue(value)) continue;
    found.layers.push({ kind: 'set', path: name, value, forceString: text(parameter, 'forceString') === 'true', judged: false });
  }
  return found;
}

/** Multi-source `ref:` sources of an Argo CD Application (or ApplicationSet template): ref → repository and revision. */
export function argoRefSources(object: KubeObject): (ref: string) => { url: string; asked: string } | undefined {
  const document = object.source;
  const spec = deref(document, getNode(object.node, 'spec'));
  const specs = [spec, deref(document, getNode(deref(document, getNode(spec, 'template')), 'spec'))];
  const refs = new Map<string, { url: string; asked: string }>();
  for (const each of specs) {
    for (const item of seqItems(deref(document, getNode(each, 'sources')))) {
      const source = deref(document, item);
      const text = (key: string): string | undefined => scalarText(document.file, deref(document, getNode(source, key)))?.value;
      const ref = text('ref');
      const url = text('repoURL');
      if (!ref || !url || isTemplatedValue(url) || refs.has(ref)) continue;
      refs.set(ref, { url, asked: text('targetRevision') || 'HEAD' });
    }
  }
  return (ref) => refs.get(ref);
}

/** What a chart's own values.yaml gives the subchart it knows as `key` (name or alias), with its `global`. */
export function umbrellaValues(workspace: Workspace, chartDirectory: string, key: string): ValuesLayer[] {
  const text = workspace.file(joinPath(chartDirectory, 'values.yaml'))?.text;
  if (text === undefined) return [];
  const parent = parseValuesText(text);
  if (!parent || parent === 'invalid') return [];
  const values = subchartValues(parent, key);
  return values ? [{ kind: 'map', values, judged: true }] : [];
}
