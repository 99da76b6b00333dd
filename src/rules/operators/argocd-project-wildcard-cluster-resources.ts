import { defineRule } from '../rule.js';
import { APP_PROJECT_DOCS, ARGOCD_SECURITY, appProjects } from './argocd-projects.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

/** API groups whose every kind is dangerous to hand out cluster-wide. */
const SENSITIVE_GROUPS = new Set(['', 'rbac.authorization.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'certificates.k8s.io']);

export default defineRule({
  id: 'argocd-project-wildcard-cluster-resources',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['AppProject', ...CHART_VALUES_HOLDERS],
  summary: 'An Argo CD `AppProject` lets its Applications create any cluster-scoped resource (`clusterResourceWhitelist` with `*`).',
  rationale:
    'Cluster-scoped resources are cluster-wide power: ClusterRoles and ClusterRoleBindings (grant yourself cluster-admin), ' +
    'admission webhooks (intercept every object), CRDs, Namespaces, PersistentVolumes on host paths. A project that ' +
    'whitelists `*` lets anyone who can change one of its Applications escalate to cluster-admin.',
  remediation:
    'List the cluster-scoped kinds the project needs (`{group: "", kind: Namespace}`), or leave `clusterResourceWhitelist` ' +
    'empty for team projects so that only administrators manage cluster-scoped resources.',
  references: [APP_PROJECT_DOCS, ARGOCD_SECURITY],
  messages: {
    everything: '{project} allows every cluster-scoped resource (group {group}, kind {kind}).',
    group: '{project} allows every cluster-scoped kind of API group "{group}".',
    kind: '{project} allows cluster-scoped {kind} of any API group.',
  },
  examples: {
    bad: [{ file: 'project.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: team-a}\nspec:\n  clusterResourceWhitelist:\n    - group: "*" # expect: argocd-project-wildcard-cluster-resources\n      kind: "*"\n' }],
    good: [{ file: 'project.yaml', code: 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: team-a}\nspec:\n  clusterResourceWhitelist:\n    - group: ""\n      kind: Namespace\n' }],
  },
  check(context) {
    for (const { object, view, label } of appProjects(context.workspace)) {
      for (const entry of view.items(view.path(object.node, 'spec', 'clusterResourceWhitelist'))) {
        const group = view.string(entry, 'group') ?? '';
        const kind = view.string(entry, 'kind') ?? '';
        const anyGroup = group.trim() === '*';
        const anyKind = kind.trim() === '*';
        if (!anyGroup && !anyKind) continue;
        const at = objectSpan(object, anyGroup ? view.get(entry, 'group') : view.get(entry, 'kind'));
        const data = { project: label, group, kind };
        const subject = `${label} ${group}/${kind}`;
        if (anyGroup && anyKind) context.report({ messageId: 'everything', at, data, subject });
        else if (anyKind) context.report({ messageId: 'group', at, data, subject, severity: SENSITIVE_GROUPS.has(group) ? 'high' : 'medium' });
        else context.report({ messageId: 'kind', at, data, subject, severity: 'medium' });
      }
    }
  },
});
