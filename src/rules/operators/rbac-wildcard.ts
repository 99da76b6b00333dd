import type { Severity } from '../../model/severity.js';
import { defineRule } from '../rule.js';
import { rbacModel, roleContext, type ListValue, type PolicyRule } from './rbac-model.js';
import { describeGrant, firstValue, hasValue, touchesSensitiveResource } from './rbac-rules.js';
import { objectSpan } from './spans.js';
import { templateRoles, templateSpan } from './template-roles.js';

export default defineRule({
  id: 'rbac-wildcard',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['Role', 'ClusterRole'],
  summary: 'A Role or ClusterRole rule uses `*` in verbs, resources or apiGroups.',
  rationale:
    'A wildcard grants everything that exists now and everything added later: new resource types, CRDs installed by ' +
    'any chart, new subresources and verbs such as `escalate` and `impersonate`. `*` on resources and verbs is ' +
    'cluster-admin in all but name. Reviewers cannot see what a wildcard grants, so it hides privilege. Roles that ' +
    'chart templates write with literal rules are read too; a rule inside a guard on a value the chart leaves off is not.',
  remediation:
    'List the API groups, resources and verbs the subject needs. If a controller truly manages arbitrary resources ' +
    '(an Argo CD application controller, a Flux kustomize-controller), keep the wildcard only on that controller, ' +
    'restrict what it deploys (AppProjects, Flux service account impersonation) and suppress the finding with a reason.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#minimize-use-of-wildcard-permissions',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  messages: {
    wildcard: '{role} grants {grant}{includes}{context}.',
    template: 'Template {file} renders a {kind} that grants {grant}{includes}.',
  },
  examples: {
    bad: [{ file: 'role.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: deployer}\nrules:\n  - apiGroups: ["apps"]\n    resources: ["*"] # expect: rbac-wildcard\n    verbs: [get, list, create, update]\n' }],
    good: [{ file: 'role.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: deployer}\nrules:\n  - apiGroups: ["apps"]\n    resources: ["deployments"]\n    verbs: [get, list, create, update]\n' }],
  },
  check(context) {
    const model = rbacModel(context.workspace);
    for (const role of model.roles) {
      for (const rule of role.rules) {
        const wildcard = wildcardOf(rule);
        if (!wildcard) continue;
        const label = `${role.kind}/${role.name || '(unnamed)'}`;
        context.report({
          messageId: 'wildcard',
          at: objectSpan(role.object, wildcard.node),
          data: { role: label, grant: describeGrant(rule), includes: wildcardIncludes(rule), context: roleContext(model, role) },
          severity: wildcardSeverity(rule),
          subject: `${label} ${describeGrant(rule)}`,
        });
      }
    }
    for (const role of templateRoles(context.workspace)) {
      for (const rule of role.rules) {
        const wildcard = wildcardOf(rule);
        if (!wildcard) continue;
        const grant = describeGrant(rule);
        context.report({
          messageId: 'template',
          at: templateSpan(role.file, wildcard.node),
          data: { file: role.file.path, kind: role.kind, grant, includes: wildcardIncludes(rule) },
          severity: wildcardSeverity(rule),
          subject: `${role.file.path} ${grant}`,
        });
      }
    }
  },
});

function wildcardOf(rule: PolicyRule): ListValue | undefined {
  return firstValue(rule.resources, '*') ?? firstValue(rule.verbs, '*') ?? firstValue(rule.apiGroups, '*') ?? firstValue(rule.nonResourceURLs, '*');
}

/** What a reader does not see in `*`: the verbs that lead past RBAC, and the resources that hold credentials. */
function wildcardIncludes(rule: PolicyRule): string {
  const parts: string[] = [];
  const anyResource = hasValue(rule.resources, '*');
  if (hasValue(rule.verbs, '*')) {
    // escalate and bind act on roles, impersonate on users, groups and service accounts
    const verbs = [
      ...(hasValue(rule.apiGroups, 'rbac.authorization.k8s.io', '*') && (anyResource || hasValue(rule.resources, 'roles', 'clusterroles')) ? ['escalate', 'bind'] : []),
      ...(hasValue(rule.apiGroups, '', '*') && (anyResource || hasValue(rule.resources, 'users', 'groups', 'serviceaccounts')) ? ['impersonate'] : []),
    ];
    if (verbs.length > 0) parts.push(`verbs \`*\` include ${verbs.join(', ')}`);
  }
  if (anyResource && hasValue(rule.apiGroups, '', '*')) parts.push('resources `*` include secrets, pods/exec and serviceaccounts/token');
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** Groups where `*` on resources is control of workloads, RBAC or what GitOps controllers deploy. */
const POWERFUL_GROUPS = new Set([
  '', '*', 'apps', 'batch', 'rbac.authorization.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io',
  'certificates.k8s.io', 'argoproj.io', 'kustomize.toolkit.fluxcd.io', 'helm.toolkit.fluxcd.io',
]);
const READ_VERBS = new Set(['get', 'list', 'watch']);

function wildcardSeverity(rule: PolicyRule): Severity {
  const powerful = rule.apiGroups.length === 0 || rule.apiGroups.some((group) => POWERFUL_GROUPS.has(group.value));
  const readOnly = rule.verbs.length > 0 && rule.verbs.every((verb) => READ_VERBS.has(verb.value));
  if (hasValue(rule.resources, '*')) {
    if (!powerful) return readOnly ? 'low' : 'medium';
    // reading everything in the core group reads every Secret
    return readOnly && !hasValue(rule.apiGroups, '', '*') ? 'medium' : 'high';
  }
  if (hasValue(rule.verbs, '*')) {
    if (rule.resources.length === 0) return 'low';
    return touchesSensitiveResource(rule) ? 'high' : 'medium';
  }
  return 'low';
}
