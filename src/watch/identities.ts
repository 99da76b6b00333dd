import type { Controller } from './management.js';

/** The service accounts each GitOps controller runs as in a default installation. */
export const DEFAULT_CONTROLLER_IDENTITIES: Readonly<Record<Controller, readonly string[]>> = {
  argocd: ['system:serviceaccount:argocd:argocd-application-controller'],
  'flux-kustomize': ['system:serviceaccount:flux-system:kustomize-controller'],
  'flux-helm': ['system:serviceaccount:flux-system:helm-controller'],
};

/**
 * Kubernetes' own controllers write to objects a GitOps controller applied without changing what Git
 * declares: the garbage collector and namespace controller delete them with their owner or namespace,
 * the endpoints controllers copy a Service's labels onto Endpoints, the HPA scales through `scale`.
 */
const KUBE_CONTROLLER_ACCOUNTS = [
  'attachdetach-controller', 'certificate-controller', 'clusterrole-aggregation-controller', 'cronjob-controller',
  'daemon-set-controller', 'deployment-controller', 'disruption-controller', 'endpoint-controller',
  'endpointslice-controller', 'endpointslicemirroring-controller', 'ephemeral-volume-controller', 'expand-controller',
  'generic-garbage-collector', 'horizontal-pod-autoscaler', 'job-controller', 'namespace-controller', 'node-controller',
  'persistent-volume-binder', 'pod-garbage-collector', 'pv-protection-controller', 'pvc-protection-controller',
  'replicaset-controller', 'replication-controller', 'resourcequota-controller', 'root-ca-cert-publisher',
  'service-account-controller', 'service-controller', 'statefulset-controller', 'ttl-after-finished-controller', 'ttl-controller',
];
const CLUSTER_COMPONENTS = new Set([
  'system:kube-controller-manager',
  'system:kube-scheduler',
  ...KUBE_CONTROLLER_ACCOUNTS.map((account) => `system:serviceaccount:kube-system:${account}`),
]);

export function isClusterComponent(username: string): boolean {
  return CLUSTER_COMPONENTS.has(username) || username.startsWith('system:node:');
}

export type ControllerIdentities = Readonly<Record<Controller, ReadonlySet<string>>>;

/** Defaults, each family replaced by the identities given for it. */
export function controllerIdentities(given: Partial<Record<Controller, readonly string[]>> = {}): ControllerIdentities {
  const pick = (controller: Controller): ReadonlySet<string> => new Set(given[controller]?.length ? given[controller] : DEFAULT_CONTROLLER_IDENTITIES[controller]);
  return { argocd: pick('argocd'), 'flux-kustomize': pick('flux-kustomize'), 'flux-helm': pick('flux-helm') };
}

export function isAnyController(identities: ControllerIdentities, username: string): boolean {
  return identities.argocd.has(username) || identities['flux-kustomize'].has(username) || identities['flux-helm'].has(username);
}
