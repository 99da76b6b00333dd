import type { ListValue, PolicyRule } from './rbac-model.js';

/** Resources a holder of every verb on can turn into wider rights or other identities' secrets. */
const SENSITIVE_RESOURCES = new Set([
  'secrets', 'pods', 'pods/exec', 'pods/attach', 'pods/ephemeralcontainers', 'serviceaccounts', 'serviceaccounts/token',
  'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'nodes', 'nodes/proxy', 'deployments', 'daemonsets',
  'statefulsets', 'jobs', 'cronjobs', 'mutatingwebhookconfigurations', 'validatingwebhookconfigurations',
  'customresourcedefinitions', 'certificatesigningrequests', 'persistentvolumes',
]);

export function hasValue(values: readonly ListValue[], ...wanted: string[]): boolean {
  return values.some((item) => wanted.includes(item.value));
}

export function firstValue(values: readonly ListValue[], ...wanted: string[]): ListValue | undefined {
  return values.find((item) => wanted.includes(item.value));
}

/** `[get, list]`, for messages. */
export function list(values: readonly ListValue[]): string {
  return `[${values.map((item) => (item.value === '' ? '""' : item.value)).join(', ')}]`;
}

/** Whether the rule applies to the core API group (where secrets, pods and service accounts live); a resource rule without apiGroups is rejected by the API server. */
export function coversCoreGroup(rule: PolicyRule): boolean {
  return hasValue(rule.apiGroups, '', '*');
}

export function touchesSensitiveResource(rule: PolicyRule): boolean {
  return rule.resources.some((item) => SENSITIVE_RESOURCES.has(item.value) || item.value.endsWith('/*'));
}

/** What a rule grants, in one phrase. */
export function describeGrant(rule: PolicyRule): string {
  if (rule.resources.length === 0 && rule.nonResourceURLs.length > 0) return `verbs ${list(rule.verbs)} on non-resource URLs ${list(rule.nonResourceURLs)}`;
  return `verbs ${list(rule.verbs)} on resources ${list(rule.resources)} in API groups ${list(rule.apiGroups)}`;
}
