/** The parts of an AdmissionReview (admission.k8s.io/v1) request the webhook reads. */
import { isRecord } from '../is-record.js';
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly operation: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subResource?: string;
  readonly dryRun: boolean;
  /** the object as it would be stored; null for DELETE and CONNECT */
  readonly object: Record<string, unknown> | null;
  /** the stored object an UPDATE replaces; null otherwise */
  readonly oldObject: Record<string, unknown> | null;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly reason: string; readonly message: string };
  readonly warnings?: readonly string[];
  readonly auditAnnotations?: Readonly<Record<string, string>>;
}

export class BadReviewError extends Error {}

const API_VERSION = 'admission.k8s.io/v1';

/** Reads a request body into an AdmissionRequest, or throws BadReviewError saying what is wrong. */
export function parseAdmissionReview(body: string): AdmissionRequest {
  let review: unknown;
  try {
    review = JSON.parse(body);
  } catch (error) {
    throw new BadReviewError(`body is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(review)) throw new BadReviewError('body is not a JSON object');
  if (review['kind'] !== 'AdmissionReview') throw new BadReviewError(`kind is ${describe(review['kind'])}, expected AdmissionReview`);
  if (review['apiVersion'] !== API_VERSION) throw new BadReviewError(`apiVersion is ${describe(review['apiVersion'])}, expected ${API_VERSION} (set admissionReviewVersions: ["v1"])`);
  const request = review['request'];
  if (!isRecord(request)) throw new BadReviewError('request is missing or not an object');
  const uid = request['uid'];
  if (typeof uid !== 'string' || uid === '') throw new BadReviewError('request.uid is missing');
  const kind = request['kind'];
  if (!isRecord(kind) || typeof kind['kind'] !== 'string' || typeof kind['version'] !== 'string') {
    throw new BadReviewError('request.kind must be {group, version, kind}');
  }
  const operation = request['operation'];
  if (typeof operation !== 'string') throw new BadReviewError('request.operation is missing');
  const object = request['object'] ?? null;
  if (object !== null && !isRecord(object)) throw new BadReviewError('request.object is not an object');
  if (object === null && (operation === 'CREATE' || operation === 'UPDATE')) throw new BadReviewError(`request.object is missing for ${operation}`);
  const oldObject = request['oldObject'] ?? null;
  if (oldObject !== null && !isRecord(oldObject)) throw new BadReviewError('request.oldObject is not an object');
  return {
    uid,
    kind: { group: typeof kind['group'] === 'string' ? kind['group'] : '', version: kind['version'], kind: kind['kind'] },
    operation,
    ...optionalString(request, 'namespace'),
    ...optionalString(request, 'name'),
    ...optionalString(request, 'subResource'),
    dryRun: request['dryRun'] === true,
    object,
    oldObject,
  };
}

/** The AdmissionReview body answering a request. */
export function reviewResponse(response: AdmissionResponse): string {
  return JSON.stringify({ apiVersion: API_VERSION, kind: 'AdmissionReview', response });
}

function optionalString(record: Record<string, unknown>, key: 'namespace' | 'name' | 'subResource'): Partial<Record<typeof key, string>> {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? { [key]: value } : {};
}

function describe(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value).slice(0, 80);
}
