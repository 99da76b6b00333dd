import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import { parseImageReference } from '../image-ref.js';
import { apiGroup, describeObject, type KubeObject } from '../kubernetes.js';
import { getNode, innerSpanOf, stringValue } from '../yaml.js';
import { scalarImage } from './yaml-tool-images.js';

/**
 * Operators that build the image they run from a version written in their resource, unless the
 * resource names an image itself:
 * - ECK (Elastic Cloud on Kubernetes): `spec.version` → `docker.elastic.co/<product>/<image>:<version>`,
 *   `spec.image` overriding it (pkg/controller/common/container);
 * - the Prometheus Operator: `spec.image`, else `spec.baseImage` with `spec.sha`, `spec.tag` or
 *   `spec.version` (pkg/operator/image.go `BuildImagePath`), for Prometheus, PrometheusAgent,
 *   Alertmanager, ThanosRuler and a Prometheus's `spec.thanos` sidecar.
 * A derived reference is reported at the field that decides its tag, and says it is derived; a
 * resource that writes none of these fields runs the operator's own default and is not judged.
 */
export function isVersionedOperatorResource(object: KubeObject): boolean {
  return eckProduct(object) !== undefined || PROMETHEUS_KINDS.has(object.kind) && apiGroup(object) === PROMETHEUS_GROUP;
}

export function operatorVersionImages(object: KubeObject): ImageOccurrence[] {
  const eck = eckProduct(object);
  if (eck) return eckImages(object, eck);
  if (apiGroup(object) === PROMETHEUS_GROUP && PROMETHEUS_KINDS.has(object.kind)) return prometheusOperatorImages(object);
  return [];
}

interface EckProduct {
  readonly group: string;
  readonly kind: string;
  /** the image under docker.elastic.co, by the resource's version and spec */
  readonly image: (version: Version | undefined, spec: Node | undefined) => string | undefined;
  /** the container the operator puts that image in, by spec */
  readonly container: (spec: Node | undefined) => string | undefined;
}

const BEAT_TYPES = new Set(['filebeat', 'metricbeat', 'heartbeat', 'auditbeat', 'journalbeat', 'packetbeat']);

const ECK_PRODUCTS: readonly EckProduct[] = [
  { group: 'elasticsearch.k8s.elastic.co', kind: 'Elasticsearch', image: () => 'elasticsearch/elasticsearch', container: () => 'elasticsearch' },
  { group: 'kibana.k8s.elastic.co', kind: 'Kibana', image: () => 'kibana/kibana', container: () => 'kibana' },
  { group: 'apm.k8s.elastic.co', kind: 'ApmServer', image: () => 'apm/apm-server', container: () => 'apm-server' },
  { group: 'enterprisesearch.k8s.elastic.co', kind: 'EnterpriseSearch', image: () => 'enterprise-search/enterprise-search', container: () => 'enterprise-search' },
  { group: 'logstash.k8s.elastic.co', kind: 'Logstash', image: () => 'logstash/logstash', container: () => 'logstash' },
  // only the known Beat types have an image of their own; any other type must name `spec.image`
  { group: 'beat.k8s.elastic.co', kind: 'Beat', image: (_, spec) => beatType(spec) && `beats/${beatType(spec)}`, container: (spec) => beatType(spec) },
  { group: 'agent.k8s.elastic.co', kind: 'Agent', image: (version) => (version && version.major < 9 ? 'beats/elastic-agent' : 'elastic-agent/elastic-agent'), container: () => 'agent' },
  // Maps server images before 8.16.0 exist only as UBI variants: `-ubi8` before 7.17.16 and 8.12.0, `-ubi` after
  { group: 'maps.k8s.elastic.co', kind: 'ElasticMapsServer', image: (version) => `elastic-maps-service/elastic-maps-server${version ? mapsSuffix(version) : ''}`, container: () => 'maps' },
];

function beatType(spec: Node | undefined): string | undefined {
  const type = stringValue(getNode(spec, 'type'))?.trim();
  return type && BEAT_TYPES.has(type) ? type : undefined;
}

function eckProduct(object: KubeObject): EckProduct | undefined {
  const group = apiGroup(object);
  return group.endsWith('.k8s.elastic.co') ? ECK_PRODUCTS.find((product) => product.group === group && product.kind === object.kind) : undefined;
}

interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) } : undefined;
}

const before = (version: Version, major: number, minor: number, patch: number): boolean =>
  version.major !== major ? version.major < major : version.minor !== minor ? version.minor < minor : version.patch < patch;

function mapsSuffix(version: Version): string {
  if (!before(version, 8, 16, 0)) return '';
  const old = version.major < 7 || (version.major === 7 && before(version, 7, 17, 16)) || (version.major === 8 && before(version, 8, 12, 0));
  return old ? '-ubi8' : '-ubi';
}

const ELASTIC_REGISTRY = 'docker.elastic.co';

function eckImages(object: KubeObject, product: EckProduct): ImageOccurrence[] {
  const file = object.source.file;
  const spec = getNode(object.node, 'spec');
  const label = describeObject(object);
  const image = getNode(spec, 'image');
  if (stringValue(image)?.trim()) {
    const written = scalarImage(file, image, 'kubernetes', `${label} spec.image`);
    return written ? [written] : [];
  }
  const container = product.container(spec);
  if (container && namesContainerImage(spec, container)) return [];
  const versionNode = getNode(spec, 'version');
  const version = stringValue(versionNode)?.trim();
  if (!version || !isScalar(versionNode)) return [];
  const path = product.image(parseVersion(version), spec);
  if (!path) return [];
  const derived = derivedImage(object, versionNode, `${ELASTIC_REGISTRY}/${path}:${version}`,
    `${label} spec.version, the image ECK derives from it unless its operator sets --container-registry`,
    `ECK derives the image from spec.version; pin it by setting spec.image to ${ELASTIC_REGISTRY}/${path}:${version}@sha256:…`);
  return derived ? [derived] : [];
}

/** A container of the pod template named `name` that sets its own image, which wins over the derived one. */
function namesContainerImage(node: unknown, name: string): boolean {
  if (isSeq(node)) return node.items.some((item) => namesContainerImage(item, name));
  if (!isMap(node)) return false;
  if (stringValue(getNode(node, 'name'))?.trim() === name && isScalar(getNode(node, 'image'))) return true;
  return node.items.some((pair) => namesContainerImage(pair.value, name));
}

function derivedImage(object: KubeObject, at: Scalar, text: string, context: string, reason: string, tagImplicit?: string): ImageOccurrence | undefined {
  const span = innerSpanOf(object.source.file, at);
  if (!span) return undefined;
  return imageOccurrence({
    file: object.source.file, source: 'kubernetes', text, span, context,
    ...(tagImplicit ? { tagImplicit } : {}),
    pin: { kind: 'none', reason },
  });
}

const PROMETHEUS_GROUP = 'monitoring.coreos.com';
const PROMETHEUS_KINDS = new Set(['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler']);

interface ImageFields {
  readonly label: string;
  readonly node: Node | undefined;
  readonly defaultBase: string;
  /** Prometheus writes its version with a `v` (`2.50.0` runs `v2.50.0`); the others as written */
  readonly vPrefix: boolean;
  /** whether `baseImage`, `tag` and `sha` are read (not by PrometheusAgent or ThanosRuler) */
  readonly baseFields: boolean;
}

function prometheusOperatorImages(object: KubeObject): ImageOccurrence[] {
  const spec = getNode(object.node, 'spec');
  const label = describeObject(object);
  const fields: ImageFields[] = [];
  if (object.kind === 'Prometheus' || object.kind === 'PrometheusAgent') {
    fields.push({ label: `${label} spec`, node: spec, defaultBase: 'quay.io/prometheus/prometheus', vPrefix: true, baseFields: object.kind === 'Prometheus' });
  }
  if (object.kind === 'Prometheus' && isMap(getNode(spec, 'thanos'))) {
    fields.push({ label: `${label} spec.thanos`, node: getNode(spec, 'thanos'), defaultBase: 'quay.io/thanos/thanos', vPrefix: false, baseFields: true });
  }
  if (object.kind === 'Alertmanager') fields.push({ label: `${label} spec`, node: spec, defaultBase: 'quay.io/prometheus/alertmanager', vPrefix: false, baseFields: true });
  if (object.kind === 'ThanosRuler') fields.push({ label: `${label} spec`, node: spec, defaultBase: 'quay.io/thanos/thanos', vPrefix: false, baseFields: false });
  return fields.flatMap((entry) => {
    const found = buildImagePath(object, entry);
    return found ? [found] : [];
  });
}

/** The Prometheus Operator's `BuildImagePath`: `image` as written; else `baseImage` if tagged; else with `sha`, `tag` or `version`. */
function buildImagePath(object: KubeObject, fields: ImageFields): ImageOccurrence | undefined {
  const file = object.source.file;
  const field = (key: string): Scalar | undefined => {
    const node = getNode(fields.node, key);
    return isScalar(node) && stringValue(node)?.trim() ? node : undefined;
  };
  const image = field('image');
  if (image) return scalarImage(file, image, 'kubernetes', `${fields.label}.image`);
  const baseNode = fields.baseFields ? field('baseImage') : undefined;
  const base = stringValue(baseNode)?.trim() ?? fields.defaultBase;
  const parsedBase = parseImageReference(base);
  if (baseNode && parsedBase.ok && (parsedBase.reference.tag !== undefined || parsedBase.reference.digest !== undefined)) {
    return scalarImage(file, baseNode, 'kubernetes', `${fields.label}.baseImage`);
  }
  const sha = fields.baseFields ? field('sha') : undefined;
  const tag = fields.baseFields ? field('tag') : undefined;
  const version = field('version');
  const where = baseNode ? 'its baseImage' : 'its default base image';
  const reason = `the operator joins the image from ${baseNode ? 'baseImage' : 'its default base image'} and ${sha ? 'sha' : tag ? 'tag' : 'version'}; pin it by setting image to ${base}:<version>@sha256:…`;
  if (sha) {
    const hex = stringValue(sha)!.trim();
    return derivedImage(object, sha, `${base}@${hex.includes(':') ? hex : `sha256:${hex}`}`, `${fields.label}.sha, the image the operator derives from it with ${where}`, reason);
  }
  if (tag) return derivedImage(object, tag, `${base}:${stringValue(tag)!.trim()}`, `${fields.label}.tag, the image the operator derives from it with ${where}`, reason);
  if (version) {
    const written = stringValue(version)!.trim();
    const text = `${base}:${fields.vPrefix && !written.startsWith('v') ? `v${written}` : written}`;
    return derivedImage(object, version, text, `${fields.label}.version, the image the operator derives from it with ${where}`, reason);
  }
  if (baseNode) {
    return derivedImage(object, baseNode, base, `${fields.label}.baseImage`, reason, 'no tag, sha or version is written: the operator adds its own default version');
  }
  return undefined;
}
