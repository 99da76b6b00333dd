import { isMap, type Node } from 'yaml';
import type { ImageOccurrence } from '../image-occurrence.js';
import { apiGroup, describeObject, type KubeObject } from '../kubernetes.js';
import type { SourceFile } from '../source-file.js';
import { getNode, getString, seqItems, stringValue } from '../yaml.js';
import { scalarImage } from './yaml-tool-images.js';

/** Build strategies whose `from` is the image the build runs in or builds on. */
const STRATEGIES = ['dockerStrategy', 'sourceStrategy', 'customStrategy'];

/**
 * OpenShift images named outside pod specs, as `{kind: DockerImage, name: <reference>}`:
 * - `ImageStream` `spec.tags[].from`: the cluster imports the image into the stream (again and again
 *   with `importPolicy.scheduled`), and DeploymentConfig and Deployment image triggers roll it out;
 * - `BuildConfig` `spec.strategy.*Strategy.from` (the builder or base image the build runs) and
 *   `spec.source.images[].from` (images the build copies files out of).
 * `ImageStreamTag`/`ImageStreamImage` references name a stream of the cluster, and a build's
 * `output.to` is what it pushes: neither is pulled from a registry. The objects of a `Template` are read too.
 */
export function openshiftImages(object: KubeObject): ImageOccurrence[] {
  if (object.kind === 'Template' && isOpenshiftGroup(object, 'template.openshift.io')) {
    return seqItems(getNode(object.node, 'objects')).flatMap((item) => {
      const kind = getString(item, 'kind');
      const name = getString(item, 'metadata', 'name') ?? '(unnamed)';
      return kind ? objectImages(object.source.file, kind, item, `${describeObject(object)} object ${kind}/${name}`) : [];
    });
  }
  if (object.kind === 'ImageStream' && !isOpenshiftGroup(object, 'image.openshift.io')) return [];
  if (object.kind === 'BuildConfig' && !isOpenshiftGroup(object, 'build.openshift.io')) return [];
  return objectImages(object.source.file, object.kind, object.node, describeObject(object));
}

/** The group, or the core `v1` of OpenShift 3's ungrouped API, which clusters still serve. */
function isOpenshiftGroup(object: KubeObject, group: string): boolean {
  const own = apiGroup(object);
  return own === group || own === '';
}

function objectImages(file: SourceFile, kind: string, node: Node, label: string): ImageOccurrence[] {
  if (!isMap(node)) return [];
  const spec = getNode(node, 'spec');
  const found: ImageOccurrence[] = [];
  if (kind === 'ImageStream') {
    for (const tag of seqItems(getNode(spec, 'tags'))) {
      const scheduled = getNode(getNode(tag, 'importPolicy'), 'scheduled');
      const name = stringValue(getNode(tag, 'name')) ?? '(unnamed)';
      const suffix = stringValue(scheduled) === 'true' ? ', imported again on a schedule' : '';
      push(found, dockerImage(file, getNode(tag, 'from'), `${label} tag ${name}${suffix}`));
    }
  } else if (kind === 'BuildConfig') {
    const strategy = getNode(spec, 'strategy');
    for (const key of STRATEGIES) push(found, dockerImage(file, getNode(getNode(strategy, key), 'from'), `${label} ${key} from`));
    for (const [index, source] of seqItems(getNode(getNode(spec, 'source'), 'images')).entries()) {
      push(found, dockerImage(file, getNode(source, 'from'), `${label} source images[${index}] from`));
    }
  }
  return found;
}

function dockerImage(file: SourceFile, from: Node | undefined, context: string): ImageOccurrence | undefined {
  if (stringValue(getNode(from, 'kind')) !== 'DockerImage') return undefined;
  return scalarImage(file, getNode(from, 'name'), 'kubernetes', context);
}

function push(found: ImageOccurrence[], occurrence: ImageOccurrence | undefined): void {
  if (occurrence) found.push(occurrence);
}
