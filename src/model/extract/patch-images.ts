import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ImageOccurrence } from '../image-occurrence.js';
import { inlinePatchObjects, inlinePatches, isJsonPatch, writingOperations, type InlinePatch } from '../inline-patches.js';
import { kubernetesImages } from './kubernetes-images.js';
import type { SourceFile } from '../source-file.js';
import { getNode, resolveAlias, type YamlDocument } from '../yaml.js';
import { scalarImage } from './yaml-tool-images.js';

/**
 * Images that patches write. Patches written inline (`inlinePatches`): a strategic merge patch is
 * read as the object fragment it is; a JSON 6902 patch, here and in patch files (which hold only the
 * operation list), by its operations: `add`/`replace` of a path ending in `/image` (a container's
 * image swapped for another), or of a value holding containers (`/containers/-`).
 */
export function patchImages(document: YamlDocument): ImageOccurrence[] {
  const { file } = document;
  const patches = inlinePatches(document);
  if (patches.length === 0) return isJsonPatch(document.root) ? jsonPatchImages(file, [{ root: document.root as Node, label: file.baseName, located: true }]) : [];
  return patches.flatMap((patch) => {
    const images = isJsonPatch(patch.root) ? jsonPatchImages(file, [patch]) : inlinePatchObjects(document, [patch]).flatMap(kubernetesImages);
    return patch.located ? images : images.map(unpinnable);
  });
}

/** An image of a patch written as a quoted or folded string: its place in the file is the whole string, so `rampart pin` leaves it to people. */
function unpinnable(image: ImageOccurrence): ImageOccurrence {
  return { ...image, pin: { kind: 'none', reason: 'written in a patch string that is not a literal block (|): pin it by hand' } };
}

function jsonPatchImages(file: SourceFile, patches: readonly InlinePatch[]): ImageOccurrence[] {
  return patches.flatMap((patch) => writingOperations(patch.root).flatMap((operation) => {
    const context = `${patch.label} ${operation.op} ${operation.path}`;
    if (isScalar(operation.value)) {
      const image = operation.segments.at(-1) === 'image' ? scalarImage(file, operation.value, 'kubernetes', context) : undefined;
      return image ? [image] : [];
    }
    return imagesWithin(file, operation.value, context);
  }));
}

/** Every `image:` string of the maps under `node` (a container, a pod template, a list of containers). */
function imagesWithin(file: SourceFile, node: Node, context: string): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  const seen = new Set<Node>();
  const visit = (current: Node | undefined): void => {
    if (!current || seen.has(current)) return;
    seen.add(current);
    if (isMap(current)) {
      const image = scalarImage(file, getNode(current, 'image'), 'kubernetes', context);
      if (image) found.push(image);
      for (const pair of current.items) visit(resolveAlias(pair.value));
    } else if (isSeq(current)) {
      for (const item of current.items) visit(resolveAlias(item));
    }
  };
  visit(node);
  return found;
}
