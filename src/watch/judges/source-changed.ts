import { isRecord } from '../../is-record.js';
import { describeObjectRef, isDryRun, type AuditEvent } from '../audit-event.js';
import { isAnyController, isClusterComponent } from '../identities.js';
import { isFullObject } from '../management.js';
import { objectKey, type JudgeContext } from '../watcher.js';

const RULE_ID = 'deploy-source-changed';

/** Where each kind keeps what it deploys from, as dotted paths under `spec`. */
const SOURCE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'argoproj.io/applications': ['source.repoURL', 'source.path', 'source.targetRevision', 'source.chart', 'sources'],
  'kustomize.toolkit.fluxcd.io/kustomizations': ['sourceRef.kind', 'sourceRef.name', 'sourceRef.namespace', 'path'],
  'source.toolkit.fluxcd.io/gitrepositories': ['url', 'ref.branch', 'ref.tag', 'ref.semver', 'ref.name', 'ref.commit'],
  'source.toolkit.fluxcd.io/ocirepositories': ['url', 'ref.tag', 'ref.semver', 'ref.digest'],
  'source.toolkit.fluxcd.io/helmrepositories': ['url'],
  'source.toolkit.fluxcd.io/buckets': ['endpoint', 'bucketName', 'prefix'],
  'helm.toolkit.fluxcd.io/helmreleases': ['chart.spec.chart', 'chart.spec.version', 'chart.spec.sourceRef.name', 'chart.spec.sourceRef.kind', 'chartRef.name', 'chartRef.kind'],
};

/** Generated Applications are the ApplicationSet controller's to write: its template and generators are the source. */
const SOURCE_WRITERS = new Set(['system:serviceaccount:argocd:argocd-applicationset-controller']);

/**
 * Where an Application, Kustomization, HelmRelease or Flux source deploys from, changed by anyone but
 * the controllers applying Git: `argocd app set --revision`, an edit in the UI, `kubectl patch`.
 */
export function judgeSourceChanged(event: AuditEvent, context: JudgeContext): void {
  const ref = event.objectRef;
  if (!ref || ref.subresource !== '' || event.stage !== 'ResponseComplete') return;
  const fields = SOURCE_FIELDS[`${ref.apiGroup}/${ref.resource}`];
  if (!fields || !['create', 'update', 'patch', 'delete'].includes(event.verb)) return;
  if (event.code === undefined || event.code >= 300 || isDryRun(event)) return;
  const { sources } = context.state;
  const key = objectKey(ref);
  const body = isFullObject(event.responseObject) ? event.responseObject : event.verb === 'update' && isFullObject(event.requestObject) ? event.requestObject : undefined;
  const before = sources.get(key);
  const after = body ? sourceOf(body, fields) : undefined;
  if (event.verb === 'delete') sources.delete(key);
  else if (after) sources.set(key, after);
  const username = event.user.username;
  if (event.verb === 'create' || event.verb === 'delete' || isClusterComponent(username) || isAnyController(context.state.identities, username) || SOURCE_WRITERS.has(username)) return;
  let changes: string[];
  if (before && after) {
    changes = fields.filter((field) => before[field] !== after[field]).map((field) => `${field}: ${before[field] ?? '(none)'} → ${after[field] ?? '(none)'}`);
  } else if (event.verb === 'patch' && isRecord(event.requestObject)) {
    const patched = sourceOf({ spec: {}, ...event.requestObject }, fields);
    changes = Object.entries(patched).map(([field, value]) => `${field}: → ${value}`);
  } else {
    context.unjudged(RULE_ID, event.level === 'Metadata'
      ? 'the audit policy logged the change at Metadata level, so what changed in the spec is unknown'
      : 'the earlier state of the object was not seen, so what changed is unknown', `${ref.resource} ${event.verb}`);
    return;
  }
  if (changes.length === 0) return;
  const object = describeObjectRef(ref);
  context.report(RULE_ID, {
    messageId: 'changed',
    data: { object, actor: event.user.username || '(anonymous)', changes: changes.join('; ') },
    origin: event.origin,
    subject: event.auditID,
    summary: `${event.verb} ${object} by ${username}`,
    properties: {
      auditID: event.auditID,
      verb: event.verb,
      object,
      user: username,
      changes: changes.join('; '),
      ...(event.userAgent ? { userAgent: event.userAgent } : {}),
      ...(event.sourceIPs.length ? { sourceIPs: event.sourceIPs.join(', ') } : {}),
      ...(event.time ? { time: event.time } : {}),
    },
  });
}

/** The source fields of an object's spec, as text (lists as JSON); absent fields are left out. */
function sourceOf(object: Record<string, unknown>, fields: readonly string[]): Record<string, string> {
  const spec = object['spec'];
  const found: Record<string, string> = {};
  for (const field of fields) {
    let value: unknown = spec;
    for (const part of field.split('.')) value = isRecord(value) ? value[part] : undefined;
    if (value === undefined || value === null) continue;
    found[field] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return found;
}
