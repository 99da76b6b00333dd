import { defineRule } from '../rule.js';
import { rbacModel } from './rbac-model.js';
import { objectSpan } from './spans.js';

/** Subjects that stand for everyone: anonymous requests, or any authenticated identity (on GKE, any Google account). */
const EVERYONE: ReadonlyArray<{ kind: string; name: string; who: string; severity: 'critical' | 'high' | 'medium' }> = [
  { kind: 'User', name: 'system:anonymous', who: 'anonymous (unauthenticated) requests', severity: 'critical' },
  { kind: 'Group', name: 'system:unauthenticated', who: 'every unauthenticated request', severity: 'critical' },
  { kind: 'Group', name: 'system:authenticated', who: 'every authenticated identity, including every service account', severity: 'high' },
  // anonymous requests are User system:anonymous in Group system:unauthenticated: this spelling matches nobody today, but says what was meant
  { kind: 'Group', name: 'system:anonymous', who: 'meant for anonymous requests (which Kubernetes puts in User system:anonymous and Group system:unauthenticated, so a one-word fix away)', severity: 'medium' },
];
/** Built-in discovery roles Kubernetes itself binds to everyone. */
const PUBLIC_BY_DESIGN = new Set(['system:public-info-viewer', 'system:discovery', 'system:basic-user']);

export default defineRule({
  id: 'rbac-anonymous-subject',
  layer: 'operators',
  severity: 'critical',
  objectKinds: ['RoleBinding', 'ClusterRoleBinding'],
  summary: 'A binding grants a role to `system:anonymous`, `system:unauthenticated` or `system:authenticated`.',
  rationale:
    'These subjects are not people or workloads but everyone: a role bound to `system:anonymous` or ' +
    '`system:unauthenticated` is open to anyone who can reach the API server, and `system:authenticated` includes every ' +
    'service account of every pod (and, on GKE, every Google account). Attackers scan for clusters with such bindings.',
  remediation: 'Bind the role to the specific users, groups or service accounts that need it, and remove the binding to everyone.',
  references: [
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles',
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  messages: {
    everyone: '{binding} grants {roleKind} {role} to {subject}: {who}.',
  },
  examples: {
    bad: [{ file: 'rbac.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: open}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n  - kind: Group\n    name: system:unauthenticated # expect: rbac-anonymous-subject\n' }],
    good: [{ file: 'rbac.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: public-info}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:public-info-viewer}\nsubjects:\n  - kind: Group\n    name: system:unauthenticated\n' }],
  },
  check(context) {
    for (const binding of rbacModel(context.workspace).bindings) {
      if (PUBLIC_BY_DESIGN.has(binding.roleName)) continue;
      for (const subject of binding.subjects) {
        const match = EVERYONE.find((candidate) => candidate.kind === subject.kind && candidate.name === subject.name);
        if (!match) continue;
        const name = `${binding.kind}/${binding.object.name ?? '(unnamed)'}`;
        context.report({
          messageId: 'everyone',
          at: objectSpan(binding.object, subject.nameNode),
          data: { binding: name, roleKind: binding.roleKind, role: binding.roleName, subject: subject.name, who: match.who },
          severity: match.severity,
          subject: `${name} ${subject.name}`,
        });
      }
    }
  },
});
