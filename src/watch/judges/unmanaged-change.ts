import { isRecord } from '../../is-record.js';
import { describeObjectRef, isDryRun, type AuditEvent } from '../audit-event.js';
import { isAnyController, isClusterComponent } from '../identities.js';
import { CONTROLLER_NAMES, isFullObject, managementOf, type Management } from '../management.js';
import { objectKey, type JudgeContext } from '../watcher.js';

const RULE_ID = 'deploy-unmanaged-change';
const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
/** Subresources that change what Git declares; status and the rest are the cluster's to write. */
const JUDGED_SUBRESOURCES = new Set(['', 'scale']);
/** Annotations people and the controllers' CLIs set to ask for a reconcile: they change nothing Git declares. */
const RECONCILE_ANNOTATIONS = new Set([
  'reconcile.fluxcd.io/requestedAt',
  'reconcile.fluxcd.io/forceAt',
  'argocd.argoproj.io/refresh',
]);

/** A GitOps-managed object created, changed or deleted by anyone but its controller. */
export function judgeUnmanagedChange(event: AuditEvent, context: JudgeContext): void {
  const ref = event.objectRef;
  if (!ref || !WRITES.has(event.verb) || event.stage !== 'ResponseComplete') return;
  // refused requests changed nothing, and neither did dry runs (`kubectl diff`, Argo CD's own previews)
  if (event.code === undefined || event.code >= 300 || isDryRun(event)) return;
  if (!JUDGED_SUBRESOURCES.has(ref.subresource)) return;
  const { state } = context;
  const username = event.user.username;
  const key = objectKey(ref);
  const body = objectBody(event);
  const known = state.managed.get(key);
  let management: Management | undefined;
  if (body) {
    management = managementOf(body, state.management);
    // a patch that removed the tracking marks still changed a managed object
    if (!management && known && event.verb !== 'create') management = known;
    state.managed.set(key, managementOf(body, state.management) ?? null);
  } else {
    management = known ?? undefined;
  }
  if (event.verb === 'delete') state.managed.delete(key);
  if (isClusterComponent(username)) return;
  if (!management) {
    if (body || known === null || isAnyController(state.identities, username)) return;
    context.unjudged(RULE_ID, unjudgedReason(event), `${ref.apiGroup ? `${ref.apiGroup}/` : ''}${ref.resource} ${event.verb}`);
    return;
  }
  if (state.identities[management.controller].has(username)) return;
  if (event.verb === 'patch' && asksOnlyForReconcile(event.requestObject)) return;
  const object = describeObjectRef(ref);
  const actor = describeActor(event);
  context.report(RULE_ID, {
    messageId: event.verb === 'create' ? 'created' : event.verb === 'delete' ? 'deleted' : 'changed',
    data: { verb: event.verb, object, owner: management.owner, controller: CONTROLLER_NAMES[management.controller], actor },
    origin: event.origin,
    subject: event.auditID,
    summary: `${event.verb} ${object} by ${actor}`,
    properties: {
      auditID: event.auditID,
      verb: event.verb,
      object,
      user: username,
      ...(event.impersonatedUser ? { impersonatedUser: event.impersonatedUser.username } : {}),
      owner: management.owner,
      controller: CONTROLLER_NAMES[management.controller],
      evidence: management.evidence,
      ...(event.userAgent ? { userAgent: event.userAgent } : {}),
      ...(event.sourceIPs.length ? { sourceIPs: event.sourceIPs.join(', ') } : {}),
      ...(event.time ? { time: event.time } : {}),
      level: event.level,
    },
  });
}

/**
 * The object as it is after the request: the response of a write (RequestResponse level), or the
 * request of a create or update (Request level), which sends the whole object. A patch's request
 * is only the change, and a delete's is DeleteOptions.
 */
function objectBody(event: AuditEvent): Record<string, unknown> | undefined {
  if (isFullObject(event.responseObject)) return event.responseObject;
  if ((event.verb === 'create' || event.verb === 'update') && isFullObject(event.requestObject)) return event.requestObject;
  return undefined;
}

function unjudgedReason(event: AuditEvent): string {
  if (event.verb === 'deletecollection') return 'a delete of a whole collection names none of the objects it deleted, and the audit log did not record them';
  if (event.level === 'Metadata') return 'the audit policy logged the change at Metadata level, without the object, so its tracking labels are unknown (log writes at RequestResponse, or give --argocd-apps so managed objects are known)';
  return `the audit policy logged the ${event.verb} at Request level, without the resulting object, so its tracking labels are unknown (log writes at RequestResponse)`;
}

/** A merge patch that touches nothing but reconcile-request annotations (`flux reconcile`, Argo CD's refresh). */
function asksOnlyForReconcile(patch: unknown): boolean {
  if (!isRecord(patch)) return false;
  const keys = Object.keys(patch);
  if (keys.length !== 1 || keys[0] !== 'metadata') return false;
  const metadata = patch['metadata'];
  if (!isRecord(metadata) || Object.keys(metadata).some((field) => field !== 'annotations')) return false;
  const annotations = metadata['annotations'];
  return isRecord(annotations) && Object.keys(annotations).length > 0 && Object.keys(annotations).every((name) => RECONCILE_ANNOTATIONS.has(name));
}

function describeActor(event: AuditEvent): string {
  const user = event.user.username || '(anonymous)';
  return event.impersonatedUser ? `${user} (as ${event.impersonatedUser.username})` : user;
}
