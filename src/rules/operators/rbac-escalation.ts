import { defineRule } from '../rule.js';
import { rbacModel, roleContext, type ListValue, type PolicyRule } from './rbac-model.js';
import { firstValue, hasValue } from './rbac-rules.js';
import { objectSpan } from './spans.js';

/** Verbs that are escalation by definition, whatever they apply to. */
const ESCALATING_VERBS: Readonly<Record<string, string>> = {
  escalate: 'grant permissions it does not hold by editing roles',
  bind: 'bind any role, including cluster-admin, to any subject',
  impersonate: 'act as other users, groups or service accounts',
};

/** Subresources whose use runs code or mints credentials as someone else (core API group). */
const DANGEROUS_SUBRESOURCES: ReadonlyArray<{ group: string; resource: string; verbs: readonly string[]; effect: string }> = [
  { group: '', resource: 'pods/exec', verbs: ['create'], effect: 'run commands in any pod it can reach, with that pod\'s service account and mounted Secrets' },
  { group: '', resource: 'pods/attach', verbs: ['create'], effect: 'attach to running containers' },
  { group: '', resource: 'serviceaccounts/token', verbs: ['create'], effect: 'mint tokens for any service account it can reach' },
  { group: '', resource: 'nodes/proxy', verbs: ['get', 'create'], effect: 'reach the kubelet API directly, which can run commands in every pod of the node' },
  { group: '', resource: 'pods/ephemeralcontainers', verbs: ['update', 'patch'], effect: 'add (possibly privileged) containers to running pods' },
];

/** Resources outside the core group whose write is a path to the whole cluster. */
const DANGEROUS_RESOURCES: ReadonlyArray<{ group: string; resource: string; verbs: readonly string[]; effect: string }> = [
  { group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', verbs: ['create', 'update', 'patch'], effect: 'register a webhook that rewrites every object the API server admits, including what GitOps controllers apply (swap images, add containers)' },
  { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', verbs: ['create', 'update', 'patch'], effect: 'register a webhook that sees every object admitted (Secrets included) and can block or disable admission checks' },
  { group: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval', verbs: ['update', 'patch'], effect: 'approve certificate requests, including client certificates for any user or group' },
  { group: 'certificates.k8s.io', resource: 'signers', verbs: ['approve', 'sign'], effect: 'approve or sign certificates for the signers named, e.g. kube-apiserver-client: log in as anyone' },
  { group: 'certificates.k8s.io', resource: 'certificatesigningrequests/status', verbs: ['update', 'patch'], effect: 'issue certificates by writing the signed certificate into requests' },
];

/** Creating these runs a pod, which may mount any service account and Secret of its namespace. */
const WORKLOADS: Readonly<Record<string, readonly string[]>> = {
  '': ['pods', 'replicationcontrollers'],
  apps: ['deployments', 'daemonsets', 'statefulsets', 'replicasets'],
  batch: ['jobs', 'cronjobs'],
};

export default defineRule({
  id: 'rbac-escalation',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['Role', 'ClusterRole'],
  summary: 'A role grants `escalate`, `bind`, `impersonate`, create on `pods/exec` or `serviceaccounts/token`, write on admission webhooks, CSR approval or signing, or creation of pods and workloads.',
  rationale:
    'These permissions lead past RBAC: `escalate` and `bind` let a subject grant itself roles it does not hold, ' +
    '`impersonate` lets it act as anyone, creating `pods/exec` runs commands inside pods that carry other service ' +
    'accounts\' tokens, `serviceaccounts/token` mints tokens for other identities, and `nodes/proxy` reaches the kubelet. ' +
    'A mutating webhook rewrites every object the GitOps controller applies; approving or signing certificate requests ' +
    'mints client certificates for any identity; and whoever creates pods (or Deployments, Jobs…) runs them as any service ' +
    'account of the namespace, with its Secrets (reported at medium: operators need it, but it is the same power). ' +
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
    workload: '{role} grants {verbs} on `{resource}`: it can start pods that run as any service account of the namespaces it is bound in, and mount their Secrets{context}.',
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
        if (hasValue(rule.resources, '*')) continue;
        for (const dangerous of [...DANGEROUS_SUBRESOURCES, ...DANGEROUS_RESOURCES]) {
          const resource = hasValue(rule.apiGroups, dangerous.group, '*') ? matchingResource(rule, dangerous.resource) : undefined;
          const verbs = rule.verbs.filter((verb) => verb.value === '*' || dangerous.verbs.includes(verb.value));
          if (!resource || verbs.length === 0) continue;
          context.report({
            messageId: 'subresource',
            at: objectSpan(role.object, resource.node),
            data: { role: label, verbs: verbs.map((verb) => verb.value).join('/'), resource: dangerous.resource, effect: dangerous.effect, context: describeHolders() },
            subject: `${label} ${dangerous.resource}`,
          });
        }
        for (const [group, kinds] of Object.entries(WORKLOADS)) {
          if (!hasValue(rule.apiGroups, group, '*')) continue;
          const verbs = rule.verbs.filter((verb) => verb.value === 'create' || verb.value === '*');
          for (const resource of rule.resources.filter((item) => kinds.includes(item.value))) {
            if (verbs.length === 0) continue;
            context.report({
              messageId: 'workload',
              at: objectSpan(role.object, resource.node),
              data: { role: label, verbs: verbs.map((verb) => verb.value).join('/'), resource: resource.value, context: describeHolders() },
              severity: 'medium',
              subject: `${label} create ${resource.value}`,
            });
          }
        }
      }
    }
  },
});

/** `pods/exec` itself, or `pods/*`. */
function matchingResource(rule: PolicyRule, resource: string): ListValue | undefined {
  const slash = resource.indexOf('/');
  return slash === -1 ? firstValue(rule.resources, resource) : firstValue(rule.resources, resource, `${resource.slice(0, slash)}/*`);
}
