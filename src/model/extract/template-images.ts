import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import type { SourceFile } from '../source-file.js';

/**
 * Chart templates are Go templates, not YAML. Only `image:` lines whose value is literal text are
 * references; anything built from template expressions is judged where the values are.
 */
const IMAGE_LINE = /^([ \t]*(?:-[ \t]+)?image:[ \t]*)(["']?)([^"'\s#{}<>$]+)\2[ \t]*(?:#.*)?\r?$/gm;

/** `context` names what the file is in messages: a chart's templates, or a manifest that is a template (`template`). */
export function templateImages(file: SourceFile, context = 'chart template'): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  for (const match of file.text.matchAll(IMAGE_LINE)) {
    const [, prefix = '', quote = '', value = ''] = match;
    const start = (match.index ?? 0) + prefix.length + quote.length;
    const span = file.span(start, start + value.length);
    const occurrence = imageOccurrence({ file, source: 'helm-template', text: value, span, context, pin: { kind: 'text', span } });
    if (occurrence) found.push(occurrence);
  }
  return found;
}
