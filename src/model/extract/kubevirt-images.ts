import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import { apiGroup, describeObject, type KubeObject } from '../kubernetes.js';
import { innerSpanOf, mapEntries, getNode } from '../yaml.js';

const KUBEVIRT_GROUPS = new Set(['cdi.kubevirt.io', 'kubevirt.io', 'pool.kubevirt.io', 'instancetype.kubevirt.io']);
const DOCKER = 'docker://';
const MAX_DEPTH = 16;

/**
 * KubeVirt's Containerized Data Importer pulls disk images from registries: `source.registry.url:
 * docker://quay.io/containerdisks/fedora:40` in a DataVolume, a DataImportCron template (which polls
 * the tag for new digests) or a VirtualMachine's `dataVolumeTemplates`. (`containerDisk.image` is read
 * with operators' other `image` fields.)
 */
export function kubevirtRegistryImages(object: KubeObject): ImageOccurrence[] {
  if (!KUBEVIRT_GROUPS.has(apiGroup(object))) return [];
  const found: ImageOccurrence[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (isSeq(node)) node.items.forEach((item) => walk(item, depth + 1));
    if (!isMap(node)) return;
    for (const { key, value } of mapEntries(node)) {
      if (key === 'registry') {
        const occurrence = registryUrl(object, getNode(value, 'url'));
        if (occurrence) found.push(occurrence);
      }
      walk(value, depth + 1);
    }
  };
  walk(object.node, 0);
  return found;
}

function registryUrl(object: KubeObject, node: Node | undefined): ImageOccurrence | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.value.startsWith(DOCKER)) return undefined;
  const inner = innerSpanOf(object.source.file, node);
  if (!inner || object.source.file.text.slice(inner.start, inner.end) !== node.value) return undefined;
  const span = { ...inner, start: inner.start + DOCKER.length };
  const text = node.value.slice(DOCKER.length);
  return imageOccurrence({ file: object.source.file, source: 'kubernetes', text, span, context: `${describeObject(object)} registry import`, pin: { kind: 'text', span } });
}
