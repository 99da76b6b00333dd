import { isScalar, type Node } from 'yaml';
import type { ImageOccurrence } from '../image-occurrence.js';
import { apiGroup, describeObject, type KubeObject } from '../kubernetes.js';
import { getNode, getPath, seqItems, stringValue } from '../yaml.js';
import { scalarImage } from './yaml-tool-images.js';

/**
 * Carvel images outside pod specs:
 * - kbld `Config` `overrides[].newImage` (kbld.k14s.io; the lock file `kbld --lock-output` writes):
 *   kbld replaces each `image` with it in everything it deploys;
 * - imgpkg `ImagesLock` `images[].image` (a bundle's `.imgpkg/images.yml`): what kbld puts in place
 *   of the references the bundle's configuration names;
 * - kapp-controller `fetch` steps `image.url` (an OCI image holding configuration) of an `App`, a
 *   `Package`'s template and a `PackageRepository` (`imgpkgBundle.image` is read with the other
 *   `image` fields of operators' resources).
 */
export function carvelImages(object: KubeObject): ImageOccurrence[] {
  const group = apiGroup(object);
  const file = object.source.file;
  // kbld configs and image locks are usually unnamed files
  const label = object.name === undefined && !object.embeddedIn ? `${group.split('.')[0]} ${object.kind}` : describeObject(object);
  if (group === 'kbld.k14s.io' && object.kind === 'Config') {
    return seqItems(getNode(object.node, 'overrides')).flatMap((override, index) => {
      const original = stringValue(getNode(override, 'image'));
      const image = scalarImage(file, getNode(override, 'newImage'), 'kubernetes', `${label} overrides[${index}]${original ? ` (${original})` : ''} newImage`);
      return image ? [image] : [];
    });
  }
  if (group === 'imgpkg.carvel.dev' && object.kind === 'ImagesLock') {
    return seqItems(getNode(object.node, 'images')).flatMap((entry, index) => {
      const image = scalarImage(file, getNode(entry, 'image'), 'kubernetes', `${label} images[${index}]`);
      return image ? [image] : [];
    });
  }
  const steps = fetchSteps(object);
  return steps.flatMap(({ step, where }) => {
    const url = getNode(getNode(step, 'image'), 'url');
    const image = isScalar(url) ? scalarImage(file, url, 'kubernetes', `${label} ${where}.image.url`) : undefined;
    return image ? [image] : [];
  });
}

/** The `fetch` steps of kapp-controller objects, with where they are written. */
export function fetchSteps(object: KubeObject): Array<{ step: Node; where: string }> {
  const group = apiGroup(object);
  const spec = getNode(object.node, 'spec');
  const list = (node: Node | undefined, prefix: string): Array<{ step: Node; where: string }> =>
    seqItems(node).map((step, index) => ({ step, where: `${prefix}[${index}]` }));
  if (group === 'kappctrl.k14s.io' && object.kind === 'App') return list(getNode(spec, 'fetch'), 'fetch');
  if (group === 'data.packaging.carvel.dev' && object.kind === 'Package') return list(getPath(spec, 'template', 'spec', 'fetch'), 'template fetch');
  if (group === 'packaging.carvel.dev' && object.kind === 'PackageRepository') {
    const fetch = getNode(spec, 'fetch');
    return fetch ? [{ step: fetch, where: 'fetch' }] : [];
  }
  return [];
}
