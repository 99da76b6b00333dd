import { isMap, isSeq, type Node, type Scalar } from 'yaml';
import { describeObject, type KubeObject } from '../kubernetes.js';
import { getNode, isScalar, mapEntries, seqItems, stringValue } from '../yaml.js';

/** A Tekton `taskRef` or `pipelineRef` that fetches its Task or Pipeline from elsewhere. */
export interface TektonRemoteRef {
  readonly object: KubeObject;
  /** `PipelineRun/build taskRef`, for people */
  readonly context: string;
  /** the ref map itself */
  readonly node: Node;
  /** `bundles`, `git`, `hub`, `http`, `cluster`…; `bundles` for the older `bundle:` field */
  readonly resolver: string;
  /** `params` by name (`url`, `revision`, `bundle`…); for `bundle:` the bundle reference */
  readonly params: ReadonlyMap<string, Scalar>;
}

const REF_KEYS = new Set(['taskRef', 'pipelineRef']);
const MAX_DEPTH = 24;

/**
 * Every remote `taskRef`/`pipelineRef` in a Tekton object (Pipeline tasks and finally, PipelineRun
 * and TaskRun specs, inline pipelineSpecs, and the PipelineRuns a TriggerTemplate renders):
 * `bundle: <image>` (deprecated) and `resolver: <name>` with `params`.
 */
export function tektonRemoteRefs(object: KubeObject): TektonRemoteRef[] {
  if (!object.apiVersion.includes('tekton.dev')) return [];
  const found: TektonRemoteRef[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (isSeq(node)) for (const item of node.items) walk(item, depth + 1);
    if (!isMap(node)) return;
    for (const { key, value } of mapEntries(node)) {
      if (REF_KEYS.has(key) && isMap(value)) {
        const ref = remoteRef(object, key, value);
        if (ref) found.push(ref);
      }
      walk(value, depth + 1);
    }
  };
  walk(object.node, 0);
  return found;
}

function remoteRef(object: KubeObject, key: string, node: Node): TektonRemoteRef | undefined {
  const context = `${describeObject(object)} ${key}`;
  const bundle = getNode(node, 'bundle');
  if (isScalar(bundle)) return { object, context, node, resolver: 'bundles', params: new Map([['bundle', bundle]]) };
  const resolver = stringValue(getNode(node, 'resolver'))?.trim();
  if (!resolver) return undefined;
  const params = new Map<string, Scalar>();
  for (const param of seqItems(getNode(node, 'params'))) {
    const name = stringValue(getNode(param, 'name'));
    const value = getNode(param, 'value');
    if (name !== undefined && isScalar(value)) params.set(name, value);
  }
  return { object, context, node, resolver, params };
}
