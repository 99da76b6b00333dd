import { isMap, isScalar, type Node, type Scalar, type YAMLMap } from 'yaml';
import { imageOccurrence, type ImageOccurrence, type ImageSourceKind } from '../image-occurrence.js';
import { apiGroup, describeObject, type KubeObject } from '../kubernetes.js';
import type { SourceFile } from '../source-file.js';
import { getNode, getPath, innerSpanOf, seqItems, stringValue } from '../yaml.js';

/**
 * Istio's charts and IstioOperator split an image over `hub` + `image` + `tag` (+ `variant`), each
 * falling back to `global.hub`, `global.tag`, `global.variant`:
 * `{{ .Values.hub | default .Values.global.hub }}/{{ .Values.image | default "pilot" }}:{{ .Values.tag | default .Values.global.tag }}{{ with .Values.variant }}-{{.}}{{ end }}`.
 * An `image` with a `/` is used as written, whatever the hub and tag say.
 */
export interface IstioParts {
  readonly hub?: Scalar | undefined;
  readonly tag?: Scalar | undefined;
  readonly variant?: Scalar | undefined;
}

/** A value Helm's `default` keeps: written, not empty, not null. */
function written(node: Node | undefined): Scalar | undefined {
  if (!isScalar(node)) return undefined;
  const value = stringValue(node)?.trim();
  return value ? node : undefined;
}

/** The `global` hub/tag/variant a values map hands to the maps below it, over those inherited. */
export function istioGlobals(map: YAMLMap, inherited: IstioParts | undefined): IstioParts | undefined {
  const global = getNode(map, 'global');
  if (!isMap(global)) return inherited;
  const own = partsOf(global);
  if (!own.hub && !own.tag && !own.variant) return inherited;
  return { hub: own.hub ?? inherited?.hub, tag: own.tag ?? inherited?.tag, variant: own.variant ?? inherited?.variant };
}

function partsOf(map: Node | undefined): IstioParts {
  return { hub: written(getNode(map, 'hub')), tag: written(getNode(map, 'tag')), variant: written(getNode(map, 'variant')) };
}

/** Own parts first, then each fallback in order. */
function layered(...layers: Array<IstioParts | undefined>): IstioParts {
  return {
    hub: layers.find((layer) => layer?.hub)?.hub,
    tag: layers.find((layer) => layer?.tag)?.tag,
    variant: layers.find((layer) => layer?.variant)?.variant,
  };
}

interface Composition {
  readonly file: SourceFile;
  readonly source: ImageSourceKind;
  /** `image` as written, or undefined when the chart's default name is used */
  readonly image: Scalar | undefined;
  readonly defaultImage: string | undefined;
  readonly parts: IstioParts;
  readonly context: string;
  /** where the tag comes from when none is written (istioctl's version, the chart's) */
  readonly untaggedDetail: string;
}

const NOT_PINNABLE = 'Istio joins hub, image and tag (a digest in the shared tag would be wrong for every other image); '
  + 'pin by setting this component\'s `image` to a full reference with a digest (`docker.io/istio/pilot:1.22.0@sha256:…`)';

/** The reference Istio renders, reported at the line that writes its tag (else its hub, else its image). */
function composed(composition: Composition): ImageOccurrence | undefined {
  const { file, source, image, parts, context } = composition;
  const name = image ? stringValue(image)?.trim() : composition.defaultImage;
  if (!name) return undefined;
  if (image && name.includes('/')) {
    // a full reference: the templates use it as written
    const span = innerSpanOf(file, image);
    return span ? imageOccurrence({ file, source, text: name, span, context, pin: { kind: 'text', span } }) : undefined;
  }
  const hub = stringValue(parts.hub)?.trim().replace(/\/+$/, '');
  if (!hub) return undefined;
  const tag = stringValue(parts.tag)?.trim();
  const variant = stringValue(parts.variant)?.trim();
  const at = parts.tag ?? parts.hub ?? image;
  const span = at ? innerSpanOf(file, at) : undefined;
  if (!span) return undefined;
  const text = `${hub}/${name}${tag ? `:${tag}${variant ? `-${variant}` : ''}` : ''}`;
  return imageOccurrence({
    file, source, text, span,
    context: `${context}, joined from hub, image and tag`,
    sharedSpan: true,
    ...(tag ? {} : { tagImplicit: composition.untaggedDetail }),
    pin: { kind: 'none', reason: NOT_PINNABLE },
  });
}

/**
 * A values map whose `image` Istio's templates join with `hub` and `tag` (its own, else `global`'s):
 * `pilot: {image: pilot}` beside `global: {hub: docker.io/istio, tag: 1.22.0}`, or the istiod chart's
 * top-level `hub`, `tag`, `image`. Undefined when no hub is written: then `image` is read as any chart's.
 */
export function istioValuesImage(file: SourceFile, map: YAMLMap, imageNode: Scalar, context: string, inherited: IstioParts | undefined): ImageOccurrence | undefined {
  const parts = layered(partsOf(map), inherited);
  if (!parts.hub) return undefined;
  return composed({ file, source: 'helm-values', image: imageNode, defaultImage: undefined, parts, context, untaggedDetail: 'no tag is written: the chart\'s own Istio version is used' });
}

/**
 * The sidecar and gateway proxy of Istio's charts when `global.hub` is written and `global.proxy.image`
 * is not: `proxyv2` from that hub at `global.tag`. Left out when an image named below (`below`) already
 * takes that tag: the chart is then another one (istio-cni's `install-cni`), or the tag line is reported.
 */
export function istioDefaultProxy(file: SourceFile, map: YAMLMap, context: string, inherited: IstioParts | undefined, below: readonly ImageOccurrence[]): ImageOccurrence | undefined {
  const global = getNode(map, 'global');
  if (!isMap(global) || !written(getNode(global, 'hub')) || getPath(global, 'proxy', 'image') !== undefined) return undefined;
  const proxy = composed({
    file, source: 'helm-values', image: undefined, defaultImage: 'proxyv2', parts: layered(partsOf(global), inherited),
    context: `${context} global.proxy.image, the default proxyv2`, untaggedDetail: 'no tag is written: the chart\'s own Istio version is used',
  });
  return proxy && !below.some((occurrence) => occurrence.sharedSpan && occurrence.span.start === proxy.span.start) ? proxy : undefined;
}

/** Components of an IstioOperator: the image each runs by default, its values root and when it is installed. */
const COMPONENTS = [
  { name: 'pilot', image: 'pilot', values: ['pilot'], defaultOn: true },
  { name: 'cni', image: 'install-cni', values: ['cni'], defaultOn: false },
  { name: 'ztunnel', image: 'ztunnel', values: ['ztunnel'], defaultOn: false },
] as const;

/** `istioctl install` / the in-cluster operator: `IstioOperator` (install.istio.io). */
export function isIstioOperator(object: KubeObject): boolean {
  return object.kind === 'IstioOperator' && apiGroup(object) === 'install.istio.io';
}

/**
 * The images an `IstioOperator` installs, when it writes where they come from: `spec.hub`/`spec.tag`
 * (which istioctl copies to `values.global`, the user's `values.global` winning), a component's
 * `hub`/`tag` (`spec.components.pilot.tag`, under its own `values.pilot.*`), an image name or a full
 * reference in `values`. The proxy (`values.global.proxy.image`, default `proxyv2`) runs as every
 * sidecar and gateway; CNI and ztunnel only when their component is enabled (or the profile is ambient).
 * Nothing written means istioctl's own version and hub: there is no reference in the repository to judge.
 */
export function istioOperatorImages(object: KubeObject): ImageOccurrence[] {
  if (!isIstioOperator(object)) return [];
  const file = object.source.file;
  const spec = getNode(object.node, 'spec');
  const values = getNode(spec, 'values');
  const global = layered(partsOf(getNode(values, 'global')), partsOf(spec));
  const components = getNode(spec, 'components');
  const ambient = stringValue(getNode(spec, 'profile'))?.trim() === 'ambient';
  const label = describeObject(object);
  const untaggedDetail = 'no tag is written: istioctl (or the operator) installs its own version';
  const found: ImageOccurrence[] = [];
  const add = (occurrence: ImageOccurrence | undefined): void => {
    if (occurrence) found.push(occurrence);
  };
  for (const component of COMPONENTS) {
    const settings = getNode(components, component.name);
    const enabled = stringValue(getNode(settings, 'enabled'))?.trim();
    if (enabled === 'false' || (!component.defaultOn && enabled !== 'true' && !ambient)) continue;
    const own = getPath(values, ...component.values);
    const image = written(getNode(own, 'image'));
    const parts = layered(partsOf(own), partsOf(settings), global);
    if (!image && !parts.hub && !parts.tag) continue;
    add(composed({ file, source: 'kubernetes', image, defaultImage: component.image, parts, context: `${label} ${component.name}`, untaggedDetail }));
  }
  const proxyImage = written(getPath(values, 'global', 'proxy', 'image'));
  if (proxyImage || global.hub || global.tag) {
    add(composed({ file, source: 'kubernetes', image: proxyImage, defaultImage: 'proxyv2', parts: global, context: `${label} proxy of sidecars and gateways`, untaggedDetail }));
  }
  // a gateway's own tag (`values.gateways.istio-ingressgateway.tag`, or its component's `tag`) replaces the global one for its proxy
  for (const list of ['ingressGateways', 'egressGateways']) {
    for (const gateway of seqItems(getNode(components, list))) {
      const name = stringValue(getNode(gateway, 'name'))?.trim();
      const tag = written(getNode(getPath(values, 'gateways', name ?? ''), 'tag')) ?? written(getNode(gateway, 'tag'));
      if (!tag) continue;
      // the gateway templates take only the tag from the gateway: the hub is always `global.hub`
      add(composed({ file, source: 'kubernetes', image: proxyImage, defaultImage: 'proxyv2', parts: { ...global, tag }, context: `${label} ${list} ${name ?? ''}`.trimEnd(), untaggedDetail }));
    }
  }
  return found;
}
