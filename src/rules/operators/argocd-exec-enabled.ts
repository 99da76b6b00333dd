import { defineRule } from '../rule.js';
import { argocdSettings } from './argocd-settings.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

export default defineRule({
  id: 'argocd-exec-enabled',
  layer: 'operators',
  severity: 'medium',
  objectKinds: ['ConfigMap', 'ArgoCD', 'Kustomization', ...CHART_VALUES_HOLDERS],
  summary: 'Argo CD\'s web terminal is on (`exec.enabled: "true"` in `argocd-cm`): a shell in any application pod from the UI.',
  rationale:
    'With the web terminal enabled, every user whose role has `exec, create` (and `role:admin` has it) opens a shell in ' +
    'the pods of the applications they can see, through the Argo CD server and its service account, which then needs ' +
    '`pods/exec` on every managed cluster. The pods\' mounted credentials and the data they reach are one click away, ' +
    'and commands typed there bypass Git, review and the audit trail GitOps relies on. With the Argo CD Operator (OpenShift ' +
    'GitOps) the setting is written in the `ArgoCD` resource\'s `spec.extraConfig`, which the operator copies into ' +
    '`argocd-cm`, or in a kustomize patch of it.',
  remediation:
    'Leave `exec.enabled` unset or `"false"`. Where a break-glass shell is needed, grant `p, role:<oncall>, exec, create, ' +
    '<project>/<app>, allow` to a small group only, keep `exec.shells` to what is needed, and remove `pods/exec` from the ' +
    'argocd-server ClusterRole on clusters that do not need it.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/web_based_terminal/',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/rbac/#exec-resource',
  ],
  messages: {
    enabled: '{source} sets exec.enabled to "{value}": users with the exec permission get a shell in application pods from the Argo CD UI.',
  },
  examples: {
    bad: [{ file: 'argocd-cm.yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  exec.enabled: "true" # expect: argocd-exec-enabled\n' }],
    good: [{ file: 'argocd-cm.yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  exec.enabled: "false"\n' }],
  },
  check(context) {
    for (const source of argocdSettings(context.workspace, 'argocd-cm')) {
      for (const setting of source.settings) {
        if (setting.key !== 'exec.enabled' || setting.value.trim().toLowerCase() !== 'true') continue;
        context.report({ messageId: 'enabled', at: setting.span, data: { source: source.label, value: setting.value.trim() }, subject: source.label });
      }
    }
  },
});
