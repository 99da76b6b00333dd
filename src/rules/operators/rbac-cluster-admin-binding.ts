import { defineRule } from '../rule.js';
import { describeSubjects, rbacModel } from './rbac-model.js';
import { gitopsController } from './gitops-controllers.js';
import { objectSpan } from './spans.js';
import { literalClusterAdminRefs, templatedFiles } from './template-lines.js';
import { terraformBindings } from './terraform-bindings.js';

const RBAC_GOOD_PRACTICES = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';

export default defineRule({
  id: 'rbac-cluster-admin-binding',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['RoleBinding', 'ClusterRoleBinding'],
  summary: 'A ClusterRoleBinding or RoleBinding grants the `cluster-admin` role.',
  rationale:
    '`cluster-admin` can do anything to any object, including reading every Secret and granting itself more. A subject ' +
    'bound to it turns any compromise of that subject (a leaked token, a vulnerable pod, a change to what a GitOps ' +
    'controller syncs) into control of the whole cluster. When the subject is a GitOps controller, everyone who can ' +
    'change what it syncs holds those rights too, so the repository and its review become the security boundary. ' +
    'Bindings that Terraform\'s Kubernetes provider creates (`kubernetes_cluster_role_binding_v1`, ' +
    '`kubernetes_role_binding`) are read too.',
  remediation:
    'Bind a role that lists only the resources and verbs the subject needs, or bind `cluster-admin` with a RoleBinding ' +
    'in one namespace. For Argo CD, restrict what Applications may deploy with AppProjects; for Flux, give each ' +
    'Kustomization/HelmRelease a `serviceAccountName` (or set `--default-service-account` on the controllers) so the ' +
    'controller only impersonates narrower accounts.',
  references: [
    RBAC_GOOD_PRACTICES,
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  messages: {
    cluster: '{binding} grants cluster-admin across the cluster to {subjects}.',
    controller: '{binding} grants cluster-admin across the cluster to {subjects}: expected for a cluster-wide GitOps install, but whoever can change what it syncs is cluster-admin.',
    namespace: '{binding} grants cluster-admin in namespace {namespace} (every object and Secret there) to {subjects}.',
    template: 'Template {file} renders a {kind} to cluster-admin.',
    masters: '{binding} binds {roleKind} {role} to Group system:masters: its members are cluster-admin whatever is bound (the API server skips RBAC for them), so this binding only hides who holds that group.',
  },
  examples: {
    bad: [{ file: 'rbac.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: ci}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: "cluster-admin" # expect: rbac-cluster-admin-binding\nsubjects:\n  - {kind: ServiceAccount, name: ci, namespace: ci}\n' }],
    good: [{ file: 'rbac.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: ci, namespace: web}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\nsubjects:\n  - {kind: ServiceAccount, name: ci, namespace: ci}\n' }],
  },
  check(context) {
    for (const binding of rbacModel(context.workspace).bindings) {
      for (const subject of binding.subjects.filter((candidate) => candidate.kind === 'Group' && candidate.name === 'system:masters')) {
        const name = `${binding.kind}/${binding.object.name ?? '(unnamed)'}`;
        context.report({ messageId: 'masters', at: objectSpan(binding.object, subject.nameNode), data: { binding: name, roleKind: binding.roleKind, role: binding.roleName }, severity: 'medium', subject: `${name} system:masters` });
      }
      if (binding.roleKind !== 'ClusterRole' || binding.roleName !== 'cluster-admin') continue;
      const subjects = describeSubjects(binding.subjects);
      const data = { binding: `${binding.kind}/${binding.object.name ?? '(unnamed)'}`, subjects };
      const at = objectSpan(binding.object, binding.roleNameNode);
      if (binding.kind === 'RoleBinding') {
        context.report({ messageId: 'namespace', at, data: { ...data, namespace: binding.object.namespace ?? '(the namespace it is applied to)' }, severity: 'medium', subject: data.binding });
        continue;
      }
      const controller = binding.subjects.some((subject) => subject.kind === 'ServiceAccount' && gitopsController(subject.name));
      context.report({ messageId: controller ? 'controller' : 'cluster', at, data, subject: data.binding, properties: { subjects } });
    }
    for (const binding of terraformBindings(context.workspace)) {
      if (binding.roleKind !== 'ClusterRole' || binding.roleName !== 'cluster-admin') continue;
      const subjects = describeSubjects(binding.subjects);
      const data = { binding: `${binding.kind}/${binding.name ?? '(unnamed)'} (Terraform ${binding.address})`, subjects };
      if (binding.kind === 'RoleBinding') {
        context.report({ messageId: 'namespace', at: binding.roleNameSpan, data: { ...data, namespace: binding.namespace ?? 'default' }, severity: 'medium', subject: binding.address });
        continue;
      }
      const controller = binding.subjects.some((subject) => subject.kind === 'ServiceAccount' && gitopsController(subject.name));
      context.report({ messageId: controller ? 'controller' : 'cluster', at: binding.roleNameSpan, data, subject: binding.address, properties: { subjects } });
    }
    for (const file of templatedFiles(context.workspace)) {
      for (const match of literalClusterAdminRefs(context.workspace, file)) {
        context.report({ messageId: 'template', at: match.span, data: { file: file.path, kind: match.bindingKind }, subject: file.path, ...(match.bindingKind === 'RoleBinding' ? { severity: 'medium' as const } : {}) });
      }
    }
  },
});
