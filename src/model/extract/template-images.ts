import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import type { SourceFile } from '../source-file.js';

/**
 * Chart templates are Go templates, not YAML. Only `image:` lines whose value is literal text are
 * references; anything built from template expressions is judged where the values are.
 */
const IMAGE_LINE = /^([ \t]*(?:-[ \t]+)?image:[ \t]*)(["']?)([^"'\s#{}<>$]+)\2[ \t]*(?:#.*)?\r?$/gm;

export function templateImages(file: SourceFile): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  for (const match of file.text.matchAll(IMAGE_LINE)) {
    const [, prefix = '', quote = '', value = ''] = match;
    const start = (match.index ?? 0) + prefix.length + quote.length;
    const span = file.span(start, start + value.length);
    const occurrence = imageOccurrence({ file, source: 'helm-template', text: value, span, context: 'chart template', pin: { kind: 'text', span } });
    if (occurrence) found.push(occurrence);
  }
  return found;
}
