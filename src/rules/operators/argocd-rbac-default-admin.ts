import { defineRule } from '../rule.js';
import { argocdOperatorInstances, argocdSettings } from './argocd-settings.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

export default defineRule({
  id: 'argocd-rbac-default-admin',
  layer: 'operators',
  severity: 'critical',
  objectKinds: ['ConfigMap', 'ArgoCD', ...CHART_VALUES_HOLDERS],
  summary: 'Argo CD gives every user the admin role by default (`policy.default: role:admin` in `argocd-rbac-cm`).',
  rationale:
    '`policy.default` is the role of every authenticated user that no policy line matches: every SSO user of the ' +
    'organisation (and anonymous users, when enabled) can then sync, edit, delete and exec into every Application, ' +
    'and change clusters, repositories and projects. That is cluster-admin over every managed cluster.',
  remediation:
    'Set `policy.default: role:readonly` (or leave it empty) and grant `role:admin` to a named SSO group with a ' +
    '`g, <group>, role:admin` line in `policy.csv` (with the Argo CD Operator, `spec.rbac.defaultPolicy`).',
  references: ['https://argo-cd.readthedocs.io/en/stable/operator-manual/rbac/', 'https://argo-cd.readthedocs.io/en/stable/operator-manual/security/'],
  messages: {
    admin: '{source} sets policy.default to role:admin: every user is an Argo CD administrator.',
  },
  examples: {
    bad: [{ file: 'argocd-rbac-cm.yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-rbac-cm\ndata:\n  policy.default: role:admin # expect: argocd-rbac-default-admin\n' }],
    good: [{ file: 'argocd-rbac-cm.yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-rbac-cm\ndata:\n  policy.default: role:readonly\n  policy.csv: |\n    g, platform-admins, role:admin\n' }],
  },
  check(context) {
    for (const source of argocdSettings(context.workspace, 'argocd-rbac-cm')) {
      for (const setting of source.settings) {
        if (setting.key === 'policy.default' && setting.value.trim() === 'role:admin') context.report({ messageId: 'admin', at: setting.span, data: { source: source.label }, subject: source.label });
      }
    }
    for (const { object, view } of argocdOperatorInstances(context.workspace)) {
      const policy = view.path(object.node, 'spec', 'rbac', 'defaultPolicy');
      if (view.string(policy)?.trim() === 'role:admin') context.report({ messageId: 'admin', at: objectSpan(object, policy), data: { source: `ArgoCD/${object.name ?? '(unnamed)'}` }, subject: object.name ?? '' });
    }
  },
});
