import { isMap, type Node, type YAMLMap } from 'yaml';
import { append } from '../../append.js';
import type { ImageOccurrence } from '../image-occurrence.js';
import { apiGroup, type KubeObject } from '../kubernetes.js';
import { getNode, mapEntries, stringValue, type YamlDocument } from '../yaml.js';
import { helmValuesImages } from './helm-values-images.js';
import { kubernetesImages } from './kubernetes-images.js';
import { scalarImage } from './yaml-tool-images.js';

/** A Pulumi YAML program: `Pulumi.yaml` with `runtime: yaml` (a string, or `{name: yaml}`). */
export function isPulumiYamlProgram(document: YamlDocument): boolean {
  if (!/^Pulumi\.ya?ml$/.test(document.file.baseName) || document.index !== 0) return false;
  const runtime = getNode(document.root, 'runtime');
  return (stringValue(runtime) ?? stringValue(getNode(runtime, 'name'))) === 'yaml';
}

/** `kubernetes:apps/v1:Deployment` → `apps/v1`, `Deployment`; `kubernetes:core/v1:Pod` → `v1`. */
const KUBERNETES_TYPE = /^kubernetes:([\w.-]+)\/(v[\w]+):(\w+)$/;
const HELM_TYPE = /^kubernetes:helm\.sh\/v\d+:(?:Release|Chart)$/;
const DOCKER_CONTAINER = /^docker:(?:index:)?Container$/;
const DOCKER_REMOTE_IMAGE = /^docker:(?:index:)?RemoteImage$/;

/**
 * Images a Pulumi YAML program deploys: the objects of `kubernetes:<group>/<version>:<Kind>`
 * resources (their `properties` are the object), the values of `kubernetes:helm.sh/v3:Release` and
 * `v4:Chart` resources, `docker:Container` `image` and `docker:RemoteImage` `name`. In a `Pulumi.yaml`,
 * or in the inline `program` of the Pulumi Kubernetes Operator's `Program` resource.
 */
export function pulumiImages(document: YamlDocument, program: Node | null | undefined = document.root): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  const file = document.file;
  for (const { key: name, value: resource } of mapEntries(getNode(program, 'resources'))) {
    const type = stringValue(getNode(resource, 'type'))?.trim() ?? '';
    const properties = getNode(resource, 'properties');
    const label = `Pulumi resource ${name} (${type})`;
    const kubernetes = KUBERNETES_TYPE.exec(type);
    if (HELM_TYPE.test(type)) {
      const values = getNode(properties, 'values');
      if (values) append(found, helmValuesImages(file, values, `${label} values`));
    } else if (kubernetes && isMap(properties)) {
      const [, group = '', version = '', kind = ''] = kubernetes;
      append(found, kubernetesImages(asObject(document, properties, group === 'core' ? version : `${group}/${version}`, kind, name)));
    } else if (DOCKER_CONTAINER.test(type)) {
      const image = scalarImage(file, getNode(properties, 'image'), 'kubernetes', `${label} image`);
      if (image) found.push(image);
    } else if (DOCKER_REMOTE_IMAGE.test(type)) {
      const image = scalarImage(file, getNode(properties, 'name'), 'kubernetes', `${label} name`);
      if (image) found.push(image);
    }
  }
  return found;
}

/** The Pulumi Kubernetes Operator's `Program` (pulumi.com): a Pulumi YAML program written in `program`. */
export function pulumiProgramImages(object: KubeObject): ImageOccurrence[] {
  if (object.kind !== 'Program' || apiGroup(object) !== 'pulumi.com') return [];
  return pulumiImages(object.source, getNode(object.node, 'program'));
}

function asObject(document: YamlDocument, properties: YAMLMap, apiVersion: string, kind: string, resource: string): KubeObject {
  const metadataName = stringValue(getNode(getNode(properties, 'metadata'), 'name'));
  return { source: document, node: properties, apiVersion, kind, name: metadataName ?? resource, namespace: undefined, embeddedIn: `Pulumi resource ${resource}` };
}
