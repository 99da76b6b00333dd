import { describeObjectRef, type AuditEvent } from '../audit-event.js';
import { CONTROLLER_NAMES, type Controller } from '../management.js';
import type { JudgeContext } from '../watcher.js';

const RULE_ID = 'operator-anomalous-access';

/** Requests that run code in, or take credentials from, what the controller deploys: applying manifests needs none of them. */
const NEVER_NEEDED: ReadonlyArray<{ resource: string; subresource: string; verbs: readonly string[]; action: string }> = [
  { resource: 'pods', subresource: 'exec', verbs: ['create', 'get'], action: 'ran a command in a pod (exec)' },
  { resource: 'pods', subresource: 'attach', verbs: ['create', 'get'], action: 'attached to a running container' },
  { resource: 'pods', subresource: 'portforward', verbs: ['create', 'get'], action: 'opened a port-forward into a pod' },
  { resource: 'pods', subresource: 'ephemeralcontainers', verbs: ['update', 'patch'], action: 'added an ephemeral container to a running pod' },
  { resource: 'nodes', subresource: 'proxy', verbs: ['get', 'create', 'update', 'patch', 'delete'], action: 'reached a kubelet through the node proxy' },
  { resource: 'serviceaccounts', subresource: 'token', verbs: ['create'], action: 'asked for a token of another service account' },
];

/** The namespace a controller's service account lives in: `system:serviceaccount:<namespace>:<name>`. */
function ownNamespace(username: string): string | undefined {
  const parts = username.split(':');
  return parts[0] === 'system' && parts[1] === 'serviceaccount' ? parts[2] : undefined;
}

/**
 * A GitOps controller's identity doing what applying Git never needs. Its token is the most
 * powerful in the cluster, so a stolen one, or a compromised controller, shows up here first.
 */
export function judgeAnomalousAccess(event: AuditEvent, context: JudgeContext): void {
  const ref = event.objectRef;
  if (!ref || event.stage !== 'ResponseComplete') return;
  // where Kustomizations, HelmReleases and Applications live, their controllers read Secrets (decryption keys, values)
  if (ref.namespace && (ref.apiGroup.endsWith('.toolkit.fluxcd.io') || ref.apiGroup === 'argoproj.io')) context.state.secretNamespaces.add(ref.namespace);
  const controller = controllerOf(event.user.username, context);
  if (!controller) return;
  const action = actionOf(event, controller, context);
  if (!action) return;
  const object = describeObjectRef(ref);
  const denied = event.code !== undefined && event.code >= 300;
  context.report(RULE_ID, {
    messageId: denied ? 'attempted' : 'accessed',
    data: { actor: event.user.username, controller: CONTROLLER_NAMES[controller], action, object, code: event.code ?? 0 },
    origin: event.origin,
    subject: event.auditID,
    summary: `${event.verb} ${object} by ${event.user.username}`,
    properties: {
      auditID: event.auditID,
      verb: event.verb,
      object,
      user: event.user.username,
      controller: CONTROLLER_NAMES[controller],
      ...(event.code !== undefined ? { code: event.code } : {}),
      ...(event.userAgent ? { userAgent: event.userAgent } : {}),
      ...(event.sourceIPs.length ? { sourceIPs: event.sourceIPs.join(', ') } : {}),
      ...(event.time ? { time: event.time } : {}),
    },
  });
}

function controllerOf(username: string, context: JudgeContext): Controller | undefined {
  const { identities } = context.state;
  return (Object.keys(identities) as Controller[]).find((controller) => identities[controller].has(username));
}

function actionOf(event: AuditEvent, controller: Controller, context: JudgeContext): string | undefined {
  const ref = event.objectRef!;
  if (ref.apiGroup === '') {
    const never = NEVER_NEEDED.find((entry) => entry.resource === ref.resource && entry.subresource === ref.subresource && entry.verbs.includes(event.verb));
    if (never) return never.action;
  }
  if (ref.apiGroup !== '' || ref.resource !== 'secrets' || ref.subresource !== '' || event.verb !== 'get') return undefined;
  // Helm keeps each release in a Secret of the release's namespace: helm-controller reads them everywhere
  if (controller === 'flux-helm' && ref.name.startsWith('sh.helm.release.v1.')) return undefined;
  const allowed = context.state.secretNamespaces;
  const home = ownNamespace(event.user.username);
  if (ref.namespace === home || allowed.has(ref.namespace)) return undefined;
  return `read a Secret outside ${[home, ...allowed].filter(Boolean).join(', ') || 'its namespace'}`;
}
