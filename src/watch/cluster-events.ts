import { isRecord } from '../is-record.js';
import { BadRecordError } from './audit-event.js';

/**
 * An event about an object, in any of the shapes the cluster records it:
 * - a Flux event (`event.toolkit.fluxcd.io` Event): what Flux controllers post to notification-controller
 *   (metadata keys prefixed with the object's API group) and what notification-controller posts to a
 *   `generic`/`generic-hmac` Provider (prefixes stripped): involvedObject, severity, timestamp, message,
 *   reason, metadata, reportingController;
 * - a core/v1 Event (`kubectl get events -o json`): involvedObject, reason, message, type, source,
 *   with Flux's metadata and Argo CD's fields as `metadata.annotations`;
 * - an events.k8s.io/v1 Event: regarding, reason, note, type, reportingController.
 */
export interface ClusterEvent {
  readonly kind: string;
  readonly apiGroup: string;
  readonly namespace: string;
  readonly name: string;
  readonly reason: string;
  readonly message: string;
  /** Normal (Flux severity info or trace), not Warning (Flux severity error) */
  readonly normal: boolean;
  /** Flux metadata or the event's annotations, with the object group's prefix taken off */
  readonly metadata: Readonly<Record<string, string>>;
  readonly time: string;
  readonly reportingController: string;
}

export function toClusterEvent(value: unknown): ClusterEvent {
  if (!isRecord(value)) throw new BadRecordError('not a JSON object');
  const flux = typeof value['severity'] === 'string' && isRecord(value['involvedObject']);
  const regarding = isRecord(value['involvedObject']) ? value['involvedObject'] : isRecord(value['regarding']) ? value['regarding'] : undefined;
  if (!regarding) throw new BadRecordError('not an event: it has no involvedObject (Flux and core/v1 Events) nor regarding (events.k8s.io/v1)');
  const kind = text(regarding['kind']);
  const name = text(regarding['name']);
  if (!kind || !name) throw new BadRecordError(`the ${isRecord(value['involvedObject']) ? 'involvedObject' : 'regarding'} has no ${kind ? 'name' : 'kind'}`);
  const apiVersion = text(regarding['apiVersion']);
  const apiGroup = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const objectMetadata = isRecord(value['metadata']) ? value['metadata'] : {};
  const rawMetadata = flux ? value['metadata'] : objectMetadata['annotations'];
  const metadata: Record<string, string> = {};
  if (isRecord(rawMetadata)) {
    for (const [key, field] of Object.entries(rawMetadata)) {
      if (typeof field !== 'string') continue;
      const bare = apiGroup && key.startsWith(`${apiGroup}/`) ? key.slice(apiGroup.length + 1) : key;
      if (!(bare in metadata) || bare !== key) metadata[bare] = field;
    }
  }
  const source = isRecord(value['source']) ? value['source'] : {};
  return {
    kind,
    apiGroup,
    namespace: text(regarding['namespace']) || text(objectMetadata['namespace']),
    name,
    reason: text(value['reason']),
    message: text(value['message']) || text(value['note']),
    normal: flux ? value['severity'] !== 'error' : text(value['type']) !== 'Warning',
    metadata,
    time: text(value['timestamp']) || text(value['lastTimestamp']) || text(value['eventTime']) || text(value['firstTimestamp']) || text(objectMetadata['creationTimestamp']),
    reportingController: text(value['reportingController']) || text(value['reportingComponent']) || text(source['component']),
  };
}

/** The events a JSON value holds: a List or EventList's items, or one event. */
export function eventItems(value: unknown): unknown[] {
  if (isRecord(value) && Array.isArray(value['items'])) return value['items'];
  return [value];
}

export interface GitRevision {
  /** the branch or tag (`main`, `v1.2.0`); empty when the revision names only a commit */
  readonly ref: string;
  readonly commit: string;
}

/**
 * A Flux revision that names a Git commit: `main@sha1:<sha>`, `refs/heads/main@sha1:<sha>`,
 * `sha1:<sha>`, the pre-2.0 `main/<sha>`, or a bare SHA. OCI digests (`latest@sha256:…`) and chart
 * versions are not commits.
 */
export function gitRevisionOf(revision: string | undefined): GitRevision | undefined {
  if (!revision) return undefined;
  let match = /^(?:(.+)@)?sha1:([0-9a-f]{40})$/.exec(revision);
  if (match) return { ref: branchName(match[1] ?? ''), commit: match[2]! };
  match = /^(?:(.+)\/)?([0-9a-f]{40})$/.exec(revision);
  if (match) return { ref: branchName(match[1] ?? ''), commit: match[2]! };
  return undefined;
}

function branchName(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
