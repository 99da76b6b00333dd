/**
 * Kubernetes audit events in the shape kube-apiserver's log backend writes them (audit.k8s.io/v1 Event,
 * one per line): https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/
 */
import { randomUUID } from 'node:crypto';

export interface AuditEventSpec {
  verb: string;
  user: string;
  groups?: string[];
  impersonate?: string;
  resource: string;
  apiGroup?: string;
  apiVersion?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  level?: 'Metadata' | 'Request' | 'RequestResponse';
  stage?: 'RequestReceived' | 'ResponseComplete';
  code?: number;
  query?: string;
  requestObject?: unknown;
  responseObject?: unknown;
  userAgent?: string;
  time?: string;
  auditID?: string;
}

export const ARGOCD_CONTROLLER = 'system:serviceaccount:argocd:argocd-application-controller';
export const KUSTOMIZE_CONTROLLER = 'system:serviceaccount:flux-system:kustomize-controller';
export const HELM_CONTROLLER = 'system:serviceaccount:flux-system:helm-controller';
export const ADMIN = 'kubernetes-admin';

function serviceAccountGroups(user: string): string[] {
  const namespace = user.split(':')[2] ?? '';
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
}

function requestPath(spec: AuditEventSpec): string {
  const group = spec.apiGroup ? `/apis/${spec.apiGroup}/${spec.apiVersion ?? 'v1'}` : `/api/${spec.apiVersion ?? 'v1'}`;
  const namespace = spec.namespace ? `/namespaces/${spec.namespace}` : '';
  const name = spec.name && spec.verb !== 'create' ? `/${spec.name}` : '';
  const subresource = spec.subresource ? `/${spec.subresource}` : '';
  return `${group}${namespace}/${spec.resource}${name}${subresource}${spec.query ? `?${spec.query}` : ''}`;
}

/** One audit event as the API server serialises it. */
export function auditEvent(spec: AuditEventSpec): Record<string, unknown> {
  const level = spec.level ?? 'RequestResponse';
  const stage = spec.stage ?? 'ResponseComplete';
  const code = spec.code ?? (spec.verb === 'create' ? 201 : 200);
  const time = spec.time ?? '2026-01-02T03:04:05.123456Z';
  const isServiceAccount = spec.user.startsWith('system:serviceaccount:');
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID: spec.auditID ?? randomUUID(),
    stage,
    requestURI: requestPath(spec),
    verb: spec.verb,
    user: isServiceAccount
      ? { username: spec.user, uid: randomUUID(), groups: spec.groups ?? serviceAccountGroups(spec.user), extra: { 'authentication.kubernetes.io/pod-name': ['controller-0'] } }
      : { username: spec.user, groups: spec.groups ?? ['kubeadm:cluster-admins', 'system:authenticated'] },
    ...(spec.impersonate ? { impersonatedUser: { username: spec.impersonate, groups: serviceAccountGroups(spec.impersonate) } } : {}),
    sourceIPs: ['172.18.0.1'],
    userAgent: spec.userAgent ?? (isServiceAccount ? 'argocd-application-controller/v2.13.1 (linux/amd64)' : 'kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc'),
    objectRef: {
      resource: spec.resource,
      ...(spec.namespace ? { namespace: spec.namespace } : {}),
      ...(spec.name ? { name: spec.name } : {}),
      ...(spec.apiGroup ? { apiGroup: spec.apiGroup } : {}),
      apiVersion: spec.apiVersion ?? 'v1',
      ...(spec.subresource ? { subresource: spec.subresource } : {}),
    },
    ...(stage === 'ResponseComplete'
      ? { responseStatus: code < 300 ? { metadata: {}, code } : { metadata: {}, status: 'Failure', message: `${spec.resource} "${spec.name}" is forbidden`, reason: 'Forbidden', details: { name: spec.name, kind: spec.resource }, code } }
      : {}),
    ...(level !== 'Metadata' && spec.requestObject !== undefined ? { requestObject: spec.requestObject } : {}),
    ...(level === 'RequestResponse' && stage === 'ResponseComplete' && spec.responseObject !== undefined ? { responseObject: spec.responseObject } : {}),
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: stage === 'ResponseComplete'
      ? { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"' }
      : {},
  };
}

/** The two events a request produces when the policy keeps RequestReceived: received, then complete. */
export function auditRequest(spec: AuditEventSpec): Array<Record<string, unknown>> {
  const auditID = spec.auditID ?? randomUUID();
  return [auditEvent({ ...spec, auditID, stage: 'RequestReceived' }), auditEvent({ ...spec, auditID })];
}

export function deployment(name: string, namespace: string, options: { labels?: Record<string, string>; annotations?: Record<string, string>; image?: string } = {}): Record<string, unknown> {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name,
      namespace,
      uid: '6f1c1f0e-2b7a-4b8e-8a53-0b8f2d6c7e11',
      resourceVersion: '48213',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.annotations ? { annotations: options.annotations } : {}),
      managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {} }],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: options.image ?? `ghcr.io/acme/${name}:1.0.0` }] } },
    },
    status: { observedGeneration: 3, replicas: 2 },
  };
}

export const FLUX_LABELS = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
export const argocdTracking = (app: string, group: string, kind: string, namespace: string, name: string): Record<string, string> =>
  ({ 'argocd.argoproj.io/tracking-id': `${app}:${group}/${kind}:${namespace}/${name}` });

export function jsonLines(events: ReadonlyArray<Record<string, unknown>>): string {
  return `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;
}
