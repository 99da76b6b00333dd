import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import type { SourceFile } from '../source-file.js';
import { append } from '../../append.js';
import { documentsInBlockLiteral } from '../yaml-in-string.js';
import { getNode, innerSpanOf, mapEntries, spanOf, stringValue } from '../yaml.js';
import { istioDefaultProxy, istioGlobals, istioValuesImage, type IstioParts } from './istio-images.js';

/** A key that names an image: `image`, `initImage`, `sidecar_image`, `imageSpec`… */
const IMAGE_KEY = /(^|[_-])image$|^image$|[a-z]Image$/i;
const REPOSITORY_KEYS = ['repository', 'repo', 'name', 'image'] as const;
/** Operators' resources also write `imageName` (CloudNativePG's `Cluster.spec.imageName`, the PostgreSQL image it runs). */
const OPERATOR_IMAGE_KEY = /^imageName$/;

/**
 * Images in Helm values: blocks `{registry, repository, tag, digest}` in any nesting (Bitnami and
 * the chart-starter convention) and plain strings under image-named keys.
 * `appVersion` is the chart's, used when a block leaves its tag empty as Helm charts do; not under
 * `options.subchartKeys`, whose values the subchart's own templates read with its own default tag.
 */
export function helmValuesImages(file: SourceFile, values: Node, context: string, appVersion?: string, options: ImageReadOptions = {}): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  const visit = (node: unknown, path: string[], appVersion: string | undefined, istio: IstioParts | undefined): void => {
    if (isSeq(node)) {
      node.items.forEach((item) => visit(item, path, appVersion, istio));
      return;
    }
    if (!isMap(node)) return;
    // Istio's charts join `hub`/`image`/`tag` with the `global` ones
    const inherited = istioGlobals(node, istio);
    const before = found.length;
    for (const { key, value } of mapEntries(node)) {
      const here = [...path, key];
      if (path.length === 0 && options.subchartKeys?.has(key)) {
        visit(value, here, undefined, inherited);
        continue;
      }
      if (key === 'image' && isScalar(value)) {
        const composed = istioValuesImage(file, node, value, `${context} ${here.join('.')}`, inherited);
        if (composed) {
          found.push(composed);
          continue;
        }
      }
      if (isEmbeddedManifest(value)) {
        // `podspec-dind.yaml: |-` (runner and operator charts take pod specs and configs as YAML text)
        for (const embedded of documentsInBlockLiteral(file, value)) {
          append(found, helmValuesImages(file, embedded, `${context} ${here.join('.')}`, undefined, { referenceShaped: true }));
        }
        continue;
      }
      if ((IMAGE_KEY.test(key) || (options.referenceShaped && OPERATOR_IMAGE_KEY.test(key))) && isScalar(value)) {
        const occurrence = stringImage(file, key, value, `${context} ${here.join('.')}`, options, siblingTag(node, key), siblingRegistry(node, key));
        if (occurrence) found.push(occurrence);
        continue;
      }
      if (isMap(value) && isImageBlock(key, value)) {
        const occurrence = blockImage(file, value, `${context} ${here.join('.')}`, appVersion, IMAGE_KEY.test(key));
        if (occurrence) {
          found.push(occurrence);
          continue;
        }
      }
      visit(value, here, appVersion, inherited);
    }
    if (inherited !== istio) {
      const proxy = istioDefaultProxy(file, node, `${context} ${path.join('.')}`.trimEnd(), istio, found.slice(before));
      if (proxy) found.push(proxy);
    }
  };
  visit(values, [], appVersion, undefined);
  return found;
}

/** A block literal that writes YAML naming an image: read in place, at its file offsets. */
function isEmbeddedManifest(node: unknown): node is Scalar {
  return isScalar(node) && node.type === 'BLOCK_LITERAL' && typeof node.value === 'string' && /(^|\n)\s*(-\s+)?image:\s/.test(node.value);
}

export interface ImageReadOptions {
  /**
   * Only strings shaped like a reference (`repo:tag`, `host/repo`, `@digest`): custom resources call
   * other things `image` too (a VM image `ubuntu-22.04`), which a chart's values rarely do.
   */
  readonly referenceShaped?: boolean;
  /** top-level keys holding a dependency's values (its name or alias in Chart.yaml) */
  readonly subchartKeys?: ReadonlySet<string>;
}

function stringImage(file: SourceFile, key: string, node: Scalar, context: string, options: ImageReadOptions, tag?: SiblingTag, registry?: string): ImageOccurrence | undefined {
  const written = stringValue(node);
  const span = innerSpanOf(file, node);
  if (written === undefined || typeof node.value !== 'string' || !span) return undefined;
  if (!looksLikeImageString(written) || (options.referenceShaped && !/[/:@]/.test(written))) return undefined;
  // `container_image: container_image`: a field mapping (Vector's pod_annotation_fields), not a reference
  if (written.trim().toLowerCase() === key.toLowerCase()) return undefined;
  const text = registry && !hasRegistryHost(written) ? `${registry}/${written}` : written;
  if (tag && !hasTagOrDigest(text)) {
    return imageOccurrence({
      file, source: 'helm-values', text: `${text}:${tag.value}`, span, context,
      pin: { kind: 'none', reason: `the tag is in ${tag.key}, which the chart's templates join to ${text}; pin by hand with a digest the templates can carry` },
    });
  }
  return imageOccurrence({ file, source: 'helm-values', text, span, context, pin: { kind: 'text', span } });
}

/**
 * `{registry: ghcr.io/traefik, image: traefik-hub, tag: v3}`: the Azure Marketplace layout
 * (`global.azure.images.<name>`), which charts join as `registry/image:tag`.
 */
function siblingRegistry(map: YAMLMap, imageKey: string): string | undefined {
  if (imageKey !== 'image') return undefined;
  const registry = stringValue(getNode(map, 'registry'))?.trim().replace(/\/+$/, '');
  return registry && /^[\w.-]+(:\d+)?(\/[\w.-]+)*$/.test(registry) ? registry : undefined;
}

/** `ghcr.io/x`, `localhost:5000/x`: the first path segment names a registry host. */
function hasRegistryHost(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const first = text.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

interface SiblingTag {
  readonly key: string;
  readonly value: string;
}

/**
 * `controller_image: ghcr.io/acme/controller` beside `controller_version: 1.4.2` (or `imageTag`,
 * `fooImage` + `fooTag`, `FOO_IMAGE` + `FOO_VERSION`, `image` + `tag`): charts join the pair into one reference.
 */
function siblingTag(map: YAMLMap, imageKey: string): SiblingTag | undefined {
  const stem = imageKey.replace(/image$/i, '');
  const upper = /IMAGE$/.test(imageKey);
  const candidates = [
    `${imageKey}Tag`, `${imageKey}_tag`, `${imageKey}Version`, `${imageKey}_version`,
    // `{image: ghcr.io/acme/exporter, tag: v1.2}`: the redis-ha chart's `"{{ .image }}:{{ .tag }}"`
    ...(stem === '' ? ['tag'] : upper ? [`${stem}TAG`, `${stem}VERSION`] : /[_-]$/.test(stem) ? [`${stem}tag`, `${stem}version`] : [`${stem}Tag`, `${stem}Version`]),
  ];
  for (const key of candidates) {
    const node = getNode(map, key);
    if (!isScalar(node)) continue;
    // numbers as written (`1.10`, not 1.1); a template or an empty value leaves the pair unread
    const value = typeof node.value === 'string' || typeof node.value === 'number' ? stringValue(node) : undefined;
    if (value !== undefined && /^[\w][\w.-]{0,127}$/.test(value)) return { key, value };
  }
  return undefined;
}

/** `repo:tag`, `repo@sha256:…`; a `host:port/` prefix alone is not a tag. */
const hasTagOrDigest = (text: string): boolean => text.includes('@') || text.slice(text.lastIndexOf('/') + 1).includes(':');

/** Image-named keys also hold flags and words (`image: enabled`); keep what can be a reference. */
function looksLikeImageString(text: string): boolean {
  if (text.trim() === '' || isUrl(text)) return false;
  if (/^(true|false|yes|no|on|off|none|null|always|never|ifnotpresent)$/i.test(text.trim())) return false;
  return true;
}

/** `https://charts.example.com`, `oci://…`: a chart repository or a picture (`logoImage`), never an image reference. */
const isUrl = (text: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());

function isImageBlock(key: string, map: YAMLMap): boolean {
  const repository = stringValue(getNode(map, 'repository'));
  if (repository !== undefined && isUrl(repository)) return false;
  const hasRepository = repository !== undefined;
  if (hasRepository && (getNode(map, 'tag') !== undefined || getNode(map, 'digest') !== undefined || getNode(map, 'registry') !== undefined)) {
    return true;
  }
  // `{repository: nvcr.io/nvidia, image: driver, version: 550.90}`: one reference split over three keys
  if (hasRepository && isSplitBlock(map)) return true;
  return IMAGE_KEY.test(key) && REPOSITORY_KEYS.some((name) => isScalar(getNode(map, name)));
}

function isSplitBlock(map: YAMLMap): boolean {
  const image = stringValue(getNode(map, 'image'));
  return image !== undefined && !image.includes('/') && !image.includes(':') && isScalar(getNode(map, 'version'));
}

function blockImage(file: SourceFile, map: YAMLMap, context: string, appVersion: string | undefined, imageKey: boolean): ImageOccurrence | undefined {
  const repositoryKey = REPOSITORY_KEYS.find((name) => isScalar(getNode(map, name)));
  if (!repositoryKey) return undefined;
  const repositoryNode = getNode(map, repositoryKey) as Scalar;
  let repository = stringValue(repositoryNode);
  if (!repository || isUrl(repository)) return undefined;
  // `{repository: kubespheredev, image: kubefed, tag: v1}`: the repository is the namespace, `image` the name
  const imageName = repositoryKey === 'repository' ? stringValue(getNode(map, 'image')) : undefined;
  if (imageName && !imageName.includes('/') && !imageName.includes(':')) repository = `${repository.replace(/\/+$/, '')}/${imageName}`;
  const registry = stringValue(getNode(map, 'registry'));
  // `image: {name: ghcr.io/org/app, version: 1.2.0}`: some charts call the tag `version`
  const tagNode = getNode(map, 'tag') ?? (imageKey || isSplitBlock(map) ? getNode(map, 'version') : undefined);
  // kube-prometheus-stack calls it `sha` and its templates add `@sha256:` themselves
  const digestKey = getNode(map, 'digest') === undefined && getNode(map, 'sha') !== undefined ? 'sha' : 'digest';
  const digestNode = getNode(map, digestKey);
  const writtenTag = stringValue(tagNode);
  const digest = stringValue(digestNode);
  let tagImplicit: string | undefined;
  let tag = writtenTag;
  if ((tag === undefined || tag === '') && appVersion && !repository.includes(':') && !repository.includes('@')) {
    tag = appVersion;
    tagImplicit = `the tag is empty, so the chart's appVersion ${appVersion} is used`;
  } else if ((tag === undefined || tag === '') && !digest && !repository.includes(':')) {
    tagImplicit = 'the block sets no tag; the chart decides which one is pulled';
  }
  let text = registry ? `${registry.replace(/\/+$/, '')}/${repository}` : repository;
  if (tag) text += tag.includes('@') || tag.startsWith('sha256:') ? (tag.startsWith('sha256:') ? `@${tag}` : `:${tag}`) : `:${tag}`;
  if (digest) text += digest.startsWith('sha256:') || digest.includes(':') ? `@${digest}` : `@sha256:${digest}`;
  const span = spanOf(file, repositoryNode);
  if (!span) return undefined;
  return imageOccurrence({
    file,
    source: 'helm-values',
    text,
    span,
    context,
    ...(tagImplicit ? { tagImplicit } : {}),
    pin: {
      kind: 'mapping',
      map,
      digestKey,
      ...(digestKey === 'sha' && !digest?.includes(':') ? { digestHexOnly: true } : {}),
      ...(isScalar(digestNode) ? { digest: digestNode } : {}),
      ...(isScalar(tagNode) ? { tag: tagNode } : {}),
    },
  });
}
