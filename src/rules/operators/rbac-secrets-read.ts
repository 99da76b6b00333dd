import { defineRule } from '../rule.js';
import { gitopsController } from './gitops-controllers.js';
import { aggregatedInto, bindingsGranting, rbacModel, roleContext, type ListValue, type PolicyRule } from './rbac-model.js';
import { coversCoreGroup, firstValue } from './rbac-rules.js';
import { objectSpan } from './spans.js';
import { templateRoles, templateSpan } from './template-roles.js';

const READ_VERBS = ['get', 'list', 'watch', '*'];
/** Where GitOps controllers keep repository, cluster and decryption credentials. */
const CONTROLLER_NAMESPACES = new Set(['argocd', 'flux-system']);
/** Built-in roles handed out widely: secrets aggregated into them reach every holder. */
const WIDELY_HELD = new Set(['view', 'edit', 'admin']);

export default defineRule({
  id: 'rbac-secrets-read',
  layer: 'operators',
  severity: 'medium',
  objectKinds: ['Role', 'ClusterRole'],
  summary: 'A ClusterRole (or a Role in a GitOps controller\'s namespace) can get, list or watch Secrets.',
  rationale:
    'Secrets hold service account tokens, registry credentials, TLS keys and database passwords. A ClusterRole that ' +
    'reads them, bound cluster-wide, reads every one of them in every namespace, including the tokens of more ' +
    'privileged service accounts: reading Secrets is a path to escalation. `list` and `watch` return full contents, ' +
    'not just names. A ClusterRole aggregated into the built-in `view` role gives that to every viewer. A namespaced ' +
    'Role reads the Secrets of its namespace: in `argocd` or `flux-system` those are the repository, cluster and SOPS ' +
    'credentials of the GitOps controller (high); elsewhere it is reported at low severity. Roles that chart templates ' +
    'write with literal rules are read too (a Role at low severity).',
  remediation:
    'Use a namespaced Role (or a RoleBinding of the ClusterRole) in the namespaces that need it, and `resourceNames` ' +
    'to name the Secrets when only `get` is needed. Prefer mounting Secrets into pods over reading them through the API.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets',
    'https://kubernetes.io/docs/concepts/configuration/secret/#least-privilege-secrets',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  messages: {
    read: '{role} can {verbs} Secrets in every namespace it is bound in{context}.',
    namespaced: '{role} can {verbs} the Secrets of namespace {namespace}{where}{context}.',
    template: 'Template {file} renders a {kind} that can {verbs} {scope}.',
  },
  examples: {
    bad: [{ file: 'role.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules:\n  - apiGroups: [""]\n    resources: [configmaps, secrets] # expect: rbac-secrets-read\n    verbs: [get, list, watch]\n' }],
    good: [{ file: 'role.yaml', code: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get, list, watch]\n  - apiGroups: [""]\n    resources: [secrets]\n    resourceNames: [app-tls]\n    verbs: [get]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: web}\nrules:\n  - apiGroups: [""]\n    resources: [secrets]\n    resourceNames: [web-tls]\n    verbs: [get]\n' }],
  },
  check(context) {
    const model = rbacModel(context.workspace);
    for (const role of model.roles) {
      for (const rule of role.rules) {
        const read = secretsRead(rule);
        if (!read) continue;
        const { secrets, verbs } = read;
        if (role.kind === 'Role') {
          const label = `Role/${role.name || '(unnamed)'}`;
          const namespace = role.namespace ?? '(the namespace it is applied to)';
          // the controllers' own Roles read their own credentials by design
          const holders = bindingsGranting(model, role).flatMap((binding) => binding.subjects);
          const ownRole = holders.length > 0 && holders.every((subject) => subject.kind === 'ServiceAccount' && (gitopsController(subject.name) !== undefined || /^argocd-/.test(subject.name)));
          const controller = CONTROLLER_NAMESPACES.has(namespace) && !ownRole;
          context.report({
            messageId: 'namespaced',
            at: objectSpan(role.object, secrets.node),
            data: { role: label, verbs: verbs.map((verb) => verb.value).join('/'), namespace, where: controller ? ', where the GitOps controller keeps its repository and cluster credentials' : '', context: roleContext(model, role) },
            severity: controller ? 'high' : 'low',
            subject: `${label} ${namespace} secrets`,
          });
          continue;
        }
        const widelyHeld = aggregatedInto(model, role).some((target) => WIDELY_HELD.has(target));
        const label = `ClusterRole/${role.name || '(unnamed)'}`;
        context.report({
          messageId: 'read',
          at: objectSpan(role.object, secrets.node),
          data: { role: label, verbs: verbs.map((verb) => verb.value).join('/'), context: roleContext(model, role) },
          ...(widelyHeld ? { severity: 'high' as const } : {}),
          subject: `${label} secrets`,
        });
      }
    }
    for (const role of templateRoles(context.workspace)) {
      for (const rule of role.rules) {
        const read = secretsRead(rule);
        if (!read) continue;
        const verbs = read.verbs.map((verb) => verb.value).join('/');
        const scope = role.kind === 'Role' ? 'the Secrets of the namespace it renders into' : 'Secrets in every namespace it is bound in';
        context.report({
          messageId: 'template',
          at: templateSpan(role.file, read.secrets.node),
          data: { file: role.file.path, kind: role.kind, verbs, scope },
          ...(role.kind === 'Role' ? { severity: 'low' as const } : {}),
          subject: `${role.file.path} ${role.kind} secrets`,
        });
      }
    }
  },
});

/** The `secrets` entry of a rule that reads them (get/list/watch on the core group), unless it names the Secrets it may get. */
function secretsRead(rule: PolicyRule): { secrets: ListValue; verbs: ListValue[] } | undefined {
  const secrets = firstValue(rule.resources, 'secrets');
  const verbs = rule.verbs.filter((verb) => READ_VERBS.includes(verb.value));
  if (!secrets || verbs.length === 0 || !coversCoreGroup(rule)) return undefined;
  const namedOnly = rule.resourceNames.length > 0 && verbs.every((verb) => verb.value === 'get');
  return namedOnly ? undefined : { secrets, verbs };
}

