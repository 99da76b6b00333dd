import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import { allBlocks, type HclFile } from '../terraform.js';

/** `image = "…"` attributes with literal values (kubernetes_deployment, docker_container, ECS task JSON excepted). */
export function terraformImages(hcl: HclFile): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  for (const block of [hcl.body, ...allBlocks(hcl.body)]) {
    for (const attribute of block.attributes) {
      if (attribute.name !== 'image' || attribute.stringValue === undefined || !attribute.stringSpan) continue;
      const occurrence = imageOccurrence({
        file: hcl.file,
        source: 'terraform',
        text: attribute.stringValue,
        span: attribute.stringSpan,
        context: `${block.type} ${block.labels.join('.')}`.trim(),
        pin: { kind: 'text', span: attribute.stringSpan },
      });
      if (occurrence) found.push(occurrence);
    }
  }
  return found;
}
