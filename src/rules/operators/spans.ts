import type { KubeObject } from '../../model/kubernetes.js';
import type { Span } from '../../model/span.js';
import { getNode, spanOf, type YamlDocument } from '../../model/yaml.js';

/** The span of `node`, or of the object's name (its kind when unnamed) for findings about something missing. */
export function objectSpan(object: KubeObject, node?: unknown): Span {
  const file = object.source.file;
  return spanOf(file, node as Parameters<typeof spanOf>[1])
    ?? spanOf(file, getNode(getNode(object.node, 'metadata'), 'name'))
    ?? spanOf(file, getNode(object.node, 'kind'))
    ?? spanOf(file, object.node)
    ?? { path: file.path, start: 0, end: 0 };
}

/** The span of a node in a YAML document that is not a Kubernetes object (kustomization.yaml, Kptfile). */
export function documentSpan(document: YamlDocument, node: unknown): Span {
  return spanOf(document.file, node as Parameters<typeof spanOf>[1]) ?? { path: document.file.path, start: 0, end: 0 };
}
