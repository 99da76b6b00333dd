import type { ImageOccurrence } from '../../model/image-occurrence.js';
import type { ImageReference } from '../../model/image-ref.js';
import type { Workspace } from '../../model/workspace.js';
import { resolvableImages } from '../../rules/artifacts/registry-lookups.js';

/** One place a manifest names an image: findings about the image are reported here. */
export interface ReferencingLine {
  readonly occurrence: ImageOccurrence;
  readonly path: string;
  readonly line: number;
}

/** One image reference as written (canonical form), with every line that names it. */
export interface ReferencedImage {
  readonly reference: ImageReference;
  readonly lines: readonly ReferencingLine[];
}

/**
 * The image references of the tree, each once, with the lines that name it; a line that names
 * the same reference twice (a Kustomize override next to its base) counts once.
 */
export function referencedImages(workspace: Workspace): ReferencedImage[] {
  const byReference = new Map<string, { reference: ImageReference; lines: Map<string, ReferencingLine> }>();
  for (const { occurrence, reference } of resolvableImages(workspace)) {
    let entry = byReference.get(reference.canonical);
    if (!entry) byReference.set(reference.canonical, (entry = { reference, lines: new Map() }));
    const line = occurrence.file.position(occurrence.span.start).line;
    const key = `${occurrence.file.path}\0${line}`;
    if (!entry.lines.has(key)) entry.lines.set(key, { occurrence, path: occurrence.file.path, line });
  }
  return [...byReference.values()].map(({ reference, lines }) => ({ reference, lines: [...lines.values()] }));
}
