import { append } from '../../append.js';
import { isMap, isScalar, type Node, type Scalar } from 'yaml';
import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import type { SourceFile } from '../source-file.js';
import { getNode, seqItems, spanOf, stringValue, type YamlDocument } from '../yaml.js';
import { helmValuesImages } from './helm-values-images.js';

/**
 * Kustomize `images:` entries, and the Helm values of `helmCharts[].valuesInline`. Only `images:`
 * entries that set the pulled tag or digest are references of their own; an entry that only
 * renames (`newName`) keeps the tag of the manifests it applies to.
 */
export function kustomizeImages(document: YamlDocument): ImageOccurrence[] {
  const found = kustomizeImageEntries(document.file, getNode(document.root, 'images'), 'kustomization images');
  // `helmCharts[].valuesInline`: values the chart is inflated with
  for (const chart of seqItems(getNode(document.root, 'helmCharts'))) {
    const values = getNode(chart, 'valuesInline');
    if (values) append(found, helmValuesImages(document.file, values, `kustomization helmCharts ${stringValue(getNode(chart, 'name')) ?? '(unnamed)'} valuesInline`));
  }
  return found;
}

/** Entries of a Kustomize `images:` list (also a Flux HelmRelease post-renderer's) that set a tag or digest. */
export function kustomizeImageEntries(file: SourceFile, images: Node | undefined, context: string): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  for (const entry of seqItems(images)) {
    if (!isMap(entry)) continue;
    const nameNode = getNode(entry, 'name');
    const newNameNode = getNode(entry, 'newName');
    const tagNode = getNode(entry, 'newTag');
    const digestNode = getNode(entry, 'digest');
    const name = stringValue(newNameNode) ?? stringValue(nameNode);
    const tag = stringValue(tagNode);
    const digest = stringValue(digestNode);
    if (!name || (tag === undefined && digest === undefined)) continue;
    const anchor = (isScalar(tagNode) ? tagNode : isScalar(newNameNode) ? newNameNode : nameNode) as Scalar | undefined;
    const span = spanOf(file, anchor);
    if (!span) continue;
    const text = `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
    const occurrence = imageOccurrence({
      file,
      source: 'kustomize',
      text,
      span,
      context: `${context} ${stringValue(nameNode) ?? name}`,
      pin: {
        kind: 'mapping',
        map: entry,
        digestKey: 'digest',
        ...(isScalar(digestNode) ? { digest: digestNode } : {}),
        ...(isScalar(tagNode) ? { tag: tagNode } : {}),
      },
    });
    if (occurrence) found.push(occurrence);
  }
  return found;
}
