import { isRecord } from '../is-record.js';
/**
 * Kubernetes audit events (`audit.k8s.io/v1` Event), as the API server writes them to a log backend
 * (one JSON object per line) or posts them to a webhook backend (an EventList).
 * Reference: https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/
 */

export type AuditLevel = 'Metadata' | 'Request' | 'RequestResponse';

export interface AuditUser {
  readonly username: string;
  readonly groups: readonly string[];
}

export interface AuditObjectRef {
  readonly resource: string;
  readonly apiGroup: string;
  readonly namespace: string;
  readonly name: string;
  readonly subresource: string;
}

/** Where a record was read: a file and line, stdin, or a webhook batch. */
export interface RecordOrigin {
  readonly path: string;
  readonly line: number;
}

export interface AuditEvent {
  readonly auditID: string;
  readonly level: AuditLevel;
  readonly stage: string;
  readonly verb: string;
  readonly requestURI: string;
  readonly user: AuditUser;
  readonly impersonatedUser?: AuditUser;
  readonly userAgent: string;
  readonly sourceIPs: readonly string[];
  readonly objectRef?: AuditObjectRef;
  /** HTTP status of the response; undefined before the response (stage RequestReceived) */
  readonly code?: number;
  readonly requestObject?: unknown;
  readonly responseObject?: unknown;
  readonly time: string;
  readonly origin: RecordOrigin;
}

export class BadRecordError extends Error {}

const LEVELS = new Set(['Metadata', 'Request', 'RequestResponse']);

/** One audit Event from its parsed JSON; throws BadRecordError naming the first field that is wrong. */
export function toAuditEvent(value: unknown, origin: RecordOrigin): AuditEvent {
  if (!isRecord(value)) throw new BadRecordError('not a JSON object');
  if (value['kind'] !== undefined && value['kind'] !== 'Event') throw new BadRecordError(`kind is ${JSON.stringify(value['kind'])}, not Event`);
  const apiVersion = value['apiVersion'];
  if (apiVersion !== undefined && apiVersion !== 'audit.k8s.io/v1') throw new BadRecordError(`apiVersion ${JSON.stringify(apiVersion)} is not audit.k8s.io/v1`);
  const level = requiredString(value, 'level');
  if (!LEVELS.has(level)) throw new BadRecordError(`level ${JSON.stringify(level)} is not Metadata, Request or RequestResponse`);
  const user = toUser(value['user'], 'user');
  if (!user) throw new BadRecordError('user is missing');
  const impersonatedUser = toUser(value['impersonatedUser'], 'impersonatedUser');
  const status = value['responseStatus'];
  const code = isRecord(status) && typeof status['code'] === 'number' ? status['code'] : undefined;
  const objectRef = toObjectRef(value['objectRef']);
  return {
    auditID: requiredString(value, 'auditID'),
    level: level as AuditLevel,
    stage: requiredString(value, 'stage'),
    verb: requiredString(value, 'verb'),
    requestURI: requiredString(value, 'requestURI'),
    user,
    ...(impersonatedUser ? { impersonatedUser } : {}),
    userAgent: typeof value['userAgent'] === 'string' ? value['userAgent'] : '',
    sourceIPs: Array.isArray(value['sourceIPs']) ? value['sourceIPs'].filter((ip): ip is string => typeof ip === 'string') : [],
    ...(objectRef ? { objectRef } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(value['requestObject'] !== undefined ? { requestObject: value['requestObject'] } : {}),
    ...(value['responseObject'] !== undefined ? { responseObject: value['responseObject'] } : {}),
    time: stringField(value, 'stageTimestamp') || stringField(value, 'requestReceivedTimestamp'),
    origin,
  };
}

/** The events of an `audit.k8s.io/v1` EventList, as the webhook backend posts them. */
export function eventListItems(value: unknown): unknown[] {
  if (!isRecord(value)) throw new BadRecordError('not a JSON object');
  if (value['kind'] !== 'EventList') throw new BadRecordError(`kind is ${JSON.stringify(value['kind'] ?? null)}, not EventList`);
  const items = value['items'];
  if (items === null || items === undefined) return [];
  if (!Array.isArray(items)) throw new BadRecordError('items is not a list');
  return items;
}

/** `?dryRun=All` on the request: nothing was persisted. */
export function isDryRun(event: AuditEvent): boolean {
  const query = event.requestURI.indexOf('?');
  return query >= 0 && /(?:^|&)dryRun=/.test(event.requestURI.slice(query + 1));
}

export function describeObjectRef(ref: AuditObjectRef): string {
  const kind = `${ref.apiGroup ? `${ref.apiGroup}/` : ''}${ref.resource}${ref.subresource ? `/${ref.subresource}` : ''}`;
  return `${kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name || '(collection)'}`;
}

function toUser(value: unknown, field: string): AuditUser | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new BadRecordError(`${field} is not an object`);
  const username = value['username'];
  if (username !== undefined && typeof username !== 'string') throw new BadRecordError(`${field}.username is not a string`);
  const groups = Array.isArray(value['groups']) ? value['groups'].filter((group): group is string => typeof group === 'string') : [];
  return { username: username ?? '', groups };
}

function toObjectRef(value: unknown): AuditObjectRef | undefined {
  if (!isRecord(value)) return undefined;
  return {
    resource: stringField(value, 'resource'),
    apiGroup: stringField(value, 'apiGroup'),
    namespace: stringField(value, 'namespace'),
    name: stringField(value, 'name'),
    subresource: stringField(value, 'subresource'),
  };
}

function requiredString(value: Record<string, unknown>, field: string): string {
  const found = value[field];
  if (typeof found !== 'string' || found === '') throw new BadRecordError(`${field} is missing or not a string`);
  return found;
}

function stringField(value: Record<string, unknown>, field: string): string {
  const found = value[field];
  return typeof found === 'string' ? found : '';
}

