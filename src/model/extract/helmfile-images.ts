import { append } from '../../append.js';
import type { ImageOccurrence } from '../image-occurrence.js';
import { readHelmfile } from '../helmfile.js';
import type { YamlDocument } from '../yaml.js';
import { pinnableHere, valuesWithParameters } from './helm-parameters.js';
import { helmValuesImages } from './helm-values-images.js';

/** Images in a helmfile's inline release values, with its `set:` entries laid over them as helm does. */
export function helmfileImages(document: YamlDocument): ImageOccurrence[] {
  const helmfile = readHelmfile(document);
  if (!helmfile) return [];
  const found: ImageOccurrence[] = [];
  for (const release of helmfile.releases) {
    const context = `helmfile release ${release.name}`;
    const withSet = valuesWithParameters(release.set, release.values);
    if (withSet) {
      append(found, helmValuesImages(document.file, withSet.values, `${context} values and set`).map((occurrence) => pinnableHere(occurrence, withSet.assembled)));
      continue;
    }
    for (const values of release.values) append(found, helmValuesImages(document.file, values, `${context} values`));
  }
  return found;
}
