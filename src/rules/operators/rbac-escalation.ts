import { defineRule } from '../rule.js';
import { rbacModel, roleContext, type ListValue, type PolicyRule } from './rbac-model.js';
import { coversCoreGroup, firstValue, hasValue } from './rbac-rules.js';
import { objectSpan } from './spans.js';

/** Verbs that are escalation by definition, whatever they apply to. */
const ESCALATING_VERBS: Readonly<Record<string, string>> = {
  escalate: 'grant permissions it does not hold by editing roles',
  bind: 'bind any role, including cluster-admin, to any subject',
  impersonate: 'act as other users, groups or service accounts',
};

/** Subresources whose use runs code or mints credentials as someone else (core API group). */
const DANGEROUS_SUBRESOURCES: ReadonlyArray<{ resource: string; verbs: readonly string[]; effect: string }> = [
  { resource: 'pods/exec', verbs: ['create'], effect: 'run commands in any pod it can reach, with that pod\'s service account and mounted Secrets' },
  { resource: 'pods/attach', verbs: ['create'], effect: 'attach to running containers' },
  { resource: 'serviceaccounts/token', verbs: ['create'], effect: 'mint tokens for any service account it can reach' },
  { resource: 'nodes/proxy', verbs: ['get', 'create'], effect: 'reach the kubelet API directly, which can run commands in every pod of the node' },
  { resource: 'pods/ephemeralcontainers', verbs: ['update', 'patch'], effect: 'add (possibly privileged) containers to running pods' },
];

export default defineRule({
  id: 'rbac-escalation',
  layer: 'operators',
  severity: 'high',
  summary: 'A role grants `escalate`, `bind`, `impersonate`, or create on `pods/exec`, `pods/attach`, `serviceaccounts/token` (and similar).',
  rationale:
    'These permissions lead past RBAC: `escalate` and `bind` let a subject grant itself roles it does not hold, ' +
    '`impersonate` lets it act as anyone, creating `pods/exec` runs commands inside pods that carry other service ' +
    'accounts\' tokens, `serviceaccounts/token` mints tokens for other identities, and `nodes/proxy` reaches the kubelet. ' +
    'The Kubernetes RBAC good practices list each of them as privilege escalation risks.',
  remediation:
    'Remove the verb or subresource, or scope it with `resourceNames` to the exact roles, accounts or pods required and ' +
    'bind it with a RoleBinding in one namespace. Give humans `pods/exec` through a just-in-time role, not a standing grant.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  messages: {
    verb: '{role} grants `{verb}`{scope}: it can {effect}{context}.',
    subresource: '{role} grants {verbs} on `{resource}`: it can {effect}{context}.',
  },
  examples: {
    bad: [{ file: 'role.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: debugger}\nrules:\n  - apiGroups: [""]\n    resources: [pods/exec] # expect: rbac-escalation\n    verbs: [create]\n  - apiGroups: [""]\n    resources: [users, groups]\n    verbs: [impersonate] # expect: rbac-escalation\n' }],
    good: [{ file: 'role.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: debugger}\nrules:\n  - apiGroups: [""]\n    resources: [pods, pods/log]\n    verbs: [get, list, watch]\n' }],
  },
  check(context) {
    const model = rbacModel(context.workspace);
    for (const role of model.roles) {
      const label = `${role.kind}/${role.name || '(unnamed)'}`;
      let roleText: string | undefined;
      const describeHolders = (): string => (roleText ??= roleContext(model, role));
      for (const rule of role.rules) {
        for (const verb of rule.verbs) {
          const effect = ESCALATING_VERBS[verb.value];
          if (!effect) continue;
          const scope = rule.resources.length > 0 ? ` on ${rule.resources.map((item) => item.value).join(', ')}` : '';
          context.report({ messageId: 'verb', at: objectSpan(role.object, verb.node), data: { role: label, verb: verb.value, scope, effect, context: describeHolders() }, subject: `${label} ${verb.value}` });
        }
        if (hasValue(rule.resources, '*') || !coversCoreGroup(rule)) continue;
        for (const dangerous of DANGEROUS_SUBRESOURCES) {
          const resource = matchingResource(rule, dangerous.resource);
          const verbs = rule.verbs.filter((verb) => verb.value === '*' || dangerous.verbs.includes(verb.value));
          if (!resource || verbs.length === 0) continue;
          context.report({
            messageId: 'subresource',
            at: objectSpan(role.object, resource.node),
            data: { role: label, verbs: verbs.map((verb) => verb.value).join('/'), resource: dangerous.resource, effect: dangerous.effect, context: describeHolders() },
            subject: `${label} ${dangerous.resource}`,
          });
        }
      }
    }
  },
});

/** `pods/exec` itself, or `pods/*`. */
function matchingResource(rule: PolicyRule, resource: string): ListValue | undefined {
  const parent = resource.slice(0, resource.indexOf('/'));
  return firstValue(rule.resources, resource, `${parent}/*`);
}
