import type { ResolvedConfig } from '../config/schema.js';
import { runRules } from '../engine/run.js';
import type { ScanSettings } from '../engine/settings.js';
import type { Finding } from '../model/finding.js';
import { atLeast, type Severity } from '../model/severity.js';
import { objectYaml } from '../model/object-yaml.js';
import { Workspace } from '../model/workspace.js';
import type { Rule } from '../rules/rule.js';
import { matchesSelector, type Requirement } from './label-selector.js';
import { RulePlan } from './rule-plan.js';
import { type AdmissionRequest, type AdmissionResponse } from './review.js';
import { isRecord } from '../is-record.js';

/** `warn`: never denies, comes back as a warning; `audit`: neither denies nor warns, recorded in audit annotations. */
export type RuleMode = 'warn' | 'audit';

export interface JudgeOptions {
  readonly config: ResolvedConfig;
  readonly rules: readonly Rule[];
  readonly failOn: Severity | 'none';
  /** namespaces whose objects are let through unjudged */
  readonly excludeNamespaces: ReadonlySet<string>;
  /** when set, only objects in these namespaces (and cluster-scoped ones) are judged */
  readonly namespaces?: ReadonlySet<string>;
  /** rules that do not deny (from `admission.warn` / `admission.audit` and the flags) */
  readonly modes?: ReadonlyMap<string, RuleMode>;
  /** only objects whose labels (or whose old object's labels) match are judged */
  readonly objectSelector?: readonly Requirement[];
  /** `--verify`: image signatures, through a long-lived caching session */
  readonly settings?: ScanSettings;
}

export interface Decision {
  readonly response: AdmissionResponse;
  /** 'skipped': not judged (DELETE, excluded namespace, subresource) */
  readonly result: 'allowed' | 'denied' | 'skipped';
  readonly denying: readonly Finding[];
  readonly warning: readonly Finding[];
  readonly audited: readonly Finding[];
  /** what could not be checked (a registry that did not answer under --verify, a rule that failed) */
  readonly unchecked: readonly string[];
  readonly path?: string;
  /** why the object was not judged */
  readonly skipped?: string;
}

/** Kubernetes truncates longer warnings; keep ours whole. */
const WARNING_MAX = 256;
const MESSAGE_MAX = 4000;

/** Judges the one object of an admission request with the rules `rampart scan` runs. */
export async function judge(request: AdmissionRequest, options: JudgeOptions): Promise<Decision> {
  const skip = skipReason(request, options);
  if (skip !== undefined || request.object === null) {
    return { response: { uid: request.uid, allowed: true }, result: 'skipped', denying: [], warning: [], audited: [], unchecked: [], skipped: skip ?? 'no object' };
  }
  const path = virtualPath(request);
  const workspace = Workspace.fromObjectYaml(path, objectYaml(judgedObject(request.object)));
  const verifying = options.settings?.verify?.images === true;
  const rules = planOf(options, verifying).rulesFor(workspace, request.kind.kind);
  const { findings, diagnostics } = await runRules(workspace, options.config, rules, {
    ...(options.settings ? { settings: options.settings } : {}),
    ...(verifying ? { capabilities: VERIFY } : {}),
  });
  const mode = (finding: Finding): RuleMode | undefined => options.modes?.get(finding.ruleId);
  const audited = findings.filter((finding) => mode(finding) === 'audit');
  const denying = findings.filter((finding) => mode(finding) === undefined && options.failOn !== 'none' && atLeast(finding.severity, options.failOn));
  const warning = findings.filter((finding) => !denying.includes(finding) && !audited.includes(finding));
  const unchecked = diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete').map((diagnostic) => diagnostic.message);
  const warnings = [
    ...warning.map((finding) => clip(`rampart ${finding.ruleId} (${finding.severity}): ${finding.message}`, WARNING_MAX)),
    ...unchecked.map((message) => clip(`rampart could not check: ${message}`, WARNING_MAX)),
  ];
  const base = { uid: request.uid, ...(warnings.length > 0 ? { warnings } : {}), ...auditAnnotations(denying, warning, audited) };
  const decided = { denying, warning, audited, unchecked, path };
  // Under --verify a signature that could not be checked is not a signature that passed: fail closed.
  const failClosed = verifying && unchecked.length > 0;
  if (denying.length === 0 && !failClosed) return { response: { ...base, allowed: true }, result: 'allowed', ...decided };
  return {
    response: { ...base, allowed: false, status: { code: 403, reason: 'Forbidden', message: denialMessage(request, denying, failClosed ? unchecked : []) } },
    result: 'denied',
    ...decided,
  };
}

const VERIFY: ReadonlySet<'verify'> = new Set(['verify']);
const plans = new WeakMap<JudgeOptions, RulePlan>();

/** The options of a webhook stay the same for every request: their rule plan is worked out once. */
function planOf(options: JudgeOptions, verifying: boolean): RulePlan {
  let plan = plans.get(options);
  if (!plan) plans.set(options, (plan = new RulePlan(options.rules, options.config, verifying ? { capabilities: VERIFY } : {})));
  return plan;
}

/** Kubernetes objectSelector semantics: the new object or, on UPDATE, the old one must match. */
function selected(request: AdmissionRequest, selector: readonly Requirement[]): boolean {
  return [request.object, request.oldObject].some((object) => object !== null && object !== undefined && matchesSelector(selector, labelsOf(object)));
}

function labelsOf(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = object['metadata'];
  return isRecord(metadata) && isRecord(metadata['labels']) ? metadata['labels'] : {};
}

/** Recorded in the API server's audit log under `<webhook name>/denied`, `/warned` and `/audited`: rule ids, comma-separated. */
function auditAnnotations(denying: readonly Finding[], warning: readonly Finding[], audited: readonly Finding[]): { auditAnnotations?: Record<string, string> } {
  const ids = (findings: readonly Finding[]): string => [...new Set(findings.map((finding) => finding.ruleId))].join(',');
  const annotations: Record<string, string> = {
    ...(denying.length > 0 ? { denied: ids(denying) } : {}),
    ...(warning.length > 0 ? { warned: ids(warning) } : {}),
    ...(audited.length > 0 ? { audited: ids(audited) } : {}),
  };
  return Object.keys(annotations).length > 0 ? { auditAnnotations: annotations } : {};
}

function skipReason(request: AdmissionRequest, options: JudgeOptions): string | undefined {
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return `operation ${request.operation}`;
  if (request.subResource) return `subresource ${request.subResource}`;
  const namespace = request.namespace;
  if (namespace !== undefined) {
    if (options.excludeNamespaces.has(namespace)) return `namespace ${namespace} excluded`;
    if (options.namespaces && !options.namespaces.has(namespace)) return `namespace ${namespace} not selected`;
  }
  if (options.objectSelector && !selected(request, options.objectSelector)) return 'labels do not match the object selector';
  return undefined;
}

/**
 * Where the object lives, for finding locations: admission/<kind>/<namespace>/<name>/object.yaml.
 * The file name is always the same: rules tell pipelines, values and kustomization files by their
 * names, and an object named `build.gitlab-ci` or `values` is neither.
 */
function virtualPath(request: AdmissionRequest): string {
  const metadata = isRecord(request.object?.['metadata']) ? request.object['metadata'] : {};
  const name = request.name ?? stringOf(metadata['name']) ?? `${stringOf(metadata['generateName']) ?? 'unnamed-'}`;
  return [...['admission', request.kind.kind, request.namespace ?? '_cluster', name].map(segment), 'object.yaml'].join('/');
}

/** The object as Git would hold it: no server-managed fields, no copy of itself in last-applied-configuration. */
function judgedObject(object: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = object;
  if (!isRecord(rest['metadata'])) return rest;
  const { managedFields: _managed, ...metadata } = rest['metadata'];
  if (isRecord(metadata['annotations'])) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _applied, ...annotations } = metadata['annotations'];
    metadata['annotations'] = annotations;
  }
  return { ...rest, metadata };
}

function denialMessage(request: AdmissionRequest, denying: readonly Finding[], unchecked: readonly string[]): string {
  const subject = `${request.kind.kind} ${request.namespace ? `${request.namespace}/` : ''}${request.name ?? ''}`.trim();
  const lines = [
    ...denying.map((finding) => `${finding.ruleId} (${finding.severity}): ${finding.message} Fix: ${finding.remediation} (${finding.docs})`),
    ...unchecked.map((message) => `image signatures could not be checked, so the object is not admitted (--verify fails closed): ${message}`),
  ];
  return clip(`rampart denied ${subject}: ${lines.join('; ')}`, MESSAGE_MAX);
}

function segment(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 253);
  return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
