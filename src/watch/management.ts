import { isRecord } from '../is-record.js';

/** Which GitOps controller applies an object, told by the marks it leaves on what it applies. */
export type Controller = 'argocd' | 'flux-kustomize' | 'flux-helm';

export interface Management {
  readonly controller: Controller;
  /** the Application, Kustomization or HelmRelease the object belongs to */
  readonly owner: string;
  /** the label or annotation that says so */
  readonly evidence: string;
}

export interface ManagementOptions {
  /** Argo CD's label tracking (`application.resourceTrackingMethod: label`, the default before 3.0) counts for every object */
  readonly argocdLabelTracking: boolean;
  /** Applications known from dumps or events: the instance label naming one of them counts even without label tracking */
  readonly knownApplications: ReadonlySet<string>;
}

export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
export const ARGOCD_INSTANCE_LABEL = 'app.kubernetes.io/instance';
const FLUX_KUSTOMIZE = 'kustomize.toolkit.fluxcd.io/';
const FLUX_HELM = 'helm.toolkit.fluxcd.io/';

export const CONTROLLER_NAMES: Readonly<Record<Controller, string>> = {
  argocd: 'Argo CD',
  'flux-kustomize': 'Flux kustomize-controller',
  'flux-helm': 'Flux helm-controller',
};

/**
 * How a full object is managed; undefined when nothing marks it. Objects another object controls
 * (pods of a ReplicaSet) inherit template labels such as `app.kubernetes.io/instance` without being
 * applied by the GitOps controller, so for them only an annotation naming the object itself counts.
 */
export function managementOf(object: unknown, options: ManagementOptions): Management | undefined {
  if (!isRecord(object) || !isRecord(object['metadata'])) return undefined;
  const metadata = object['metadata'];
  const labels = stringMap(metadata['labels']);
  const annotations = stringMap(metadata['annotations']);
  const trackingId = annotations[ARGOCD_TRACKING_ANNOTATION];
  if (trackingId !== undefined) {
    const tracked = parseTrackingId(trackingId);
    if (tracked && tracksObject(tracked, object, metadata)) {
      return { controller: 'argocd', owner: `Application ${tracked.application}`, evidence: `${ARGOCD_TRACKING_ANNOTATION}: ${trackingId}` };
    }
  }
  if (isControlledByAnother(metadata)) return undefined;
  const kustomization = labels[`${FLUX_KUSTOMIZE}name`];
  if (kustomization) {
    const namespace = labels[`${FLUX_KUSTOMIZE}namespace`] ?? '';
    return { controller: 'flux-kustomize', owner: `Kustomization ${namespace ? `${namespace}/` : ''}${kustomization}`, evidence: `${FLUX_KUSTOMIZE}name: ${kustomization}` };
  }
  const release = labels[`${FLUX_HELM}name`];
  if (release) {
    const namespace = labels[`${FLUX_HELM}namespace`] ?? '';
    return { controller: 'flux-helm', owner: `HelmRelease ${namespace ? `${namespace}/` : ''}${release}`, evidence: `${FLUX_HELM}name: ${release}` };
  }
  const instance = labels[ARGOCD_INSTANCE_LABEL];
  if (instance && (options.argocdLabelTracking || options.knownApplications.has(instance))) {
    return { controller: 'argocd', owner: `Application ${instance}`, evidence: `${ARGOCD_INSTANCE_LABEL}: ${instance}` };
  }
  return undefined;
}

interface TrackingId {
  readonly application: string;
  readonly kind: string;
  readonly name: string;
}

/** `<app>:<group>/<Kind>:<namespace>/<name>`; apps outside the control plane's namespace are `<namespace>_<app>`. */
export function parseTrackingId(value: string): TrackingId | undefined {
  const match = /^([^:]+):([^/:]*)\/([^:]+):([^/]*)\/(.+)$/.exec(value.trim());
  if (!match) return undefined;
  return { application: (match[1] ?? '').replace('_', '/'), kind: match[3] ?? '', name: match[5] ?? '' };
}

/** An annotation copied onto another object (a pod template's) names the object it came from, not this one. */
function tracksObject(tracked: TrackingId, object: Record<string, unknown>, metadata: Record<string, unknown>): boolean {
  const kind = typeof object['kind'] === 'string' ? object['kind'] : undefined;
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : undefined;
  return (kind === undefined || kind === tracked.kind) && (name === undefined || name === tracked.name);
}

function isControlledByAnother(metadata: Record<string, unknown>): boolean {
  const owners = metadata['ownerReferences'];
  return Array.isArray(owners) && owners.some((owner) => isRecord(owner) && owner['controller'] === true);
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return value as Record<string, string>;
}

/** A full object (not a Status, a patch or DeleteOptions) with the metadata that marks management. */
export function isFullObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value) || !isRecord(value['metadata'])) return false;
  const kind = value['kind'];
  return typeof kind === 'string' && kind !== 'Status' && kind !== 'DeleteOptions' && !kind.endsWith('List');
}
