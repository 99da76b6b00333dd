import type { Severity } from '../../model/severity.js';
import { isBooleanTrue } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { argocdOperatorInstances, argocdSettings, type SettingsSource } from './argocd-settings.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

const ARGOCD_RBAC = 'https://argo-cd.readthedocs.io/en/stable/operator-manual/rbac/';

export default defineRule({
  id: 'argocd-anonymous-access',
  layer: 'operators',
  severity: 'critical',
  objectKinds: ['ConfigMap', 'ArgoCD', 'Kustomization', ...CHART_VALUES_HOLDERS],
  summary: 'Argo CD allows anonymous access (`users.anonymous.enabled: "true"` in `argocd-cm`), or turns authentication off (`server.disable.auth`).',
  rationale:
    'Anonymous users get the `policy.default` role of `argocd-rbac-cm` without logging in. Anyone who reaches the UI or API ' +
    'then sees every Application, its source repositories, parameters and live manifests, and with a default role that ' +
    'can sync or edit, changes production without a commit. `server.disable.auth: "true"` in `argocd-cmd-params-cm` (the ' +
    'chart\'s `configs.params`, or the `--disable-auth` flag) is worse: no login at all, and every request is an administrator. ' +
    'The Argo CD Operator\'s `ArgoCD` sets anonymous access with `spec.usersAnonymousEnabled` or in `spec.extraConfig` (copied ' +
    'into `argocd-cm`), and the default role with `spec.rbac.defaultPolicy`.',
  remediation:
    'Remove `users.anonymous.enabled` (or set it to `"false"`) and log users in through SSO (Dex or OIDC). For a public, ' +
    'read-only demo instance, keep `policy.default` empty or `role:readonly` and suppress the finding with a reason. ' +
    'Never set `server.disable.auth`.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/#anonymous-access',
    ARGOCD_RBAC,
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/argocd-cmd-params-cm-yaml/',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/security/',
  ],
  messages: {
    anonymous: '{source} enables anonymous access; anonymous users get {role}.',
    noAuth: '{source} sets server.disable.auth to "{value}": the API server and UI ask nobody to log in, and every request acts as an administrator.',
  },
  examples: {
    bad: [{ file: 'argocd-cm.yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  users.anonymous.enabled: "true" # expect: argocd-anonymous-access\n' }],
    good: [{ file: 'argocd-cm.yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  users.anonymous.enabled: "false"\n  url: https://argocd.example.com\n' }],
  },
  check(context) {
    const defaults = argocdSettings(context.workspace, 'argocd-rbac-cm').flatMap((source) => source.settings
      .filter((setting) => setting.key === 'policy.default')
      .map((setting) => ({ policy: setting.value.trim(), path: setting.span.path, namespace: source.namespace })));
    const operators = argocdOperatorInstances(context.workspace);
    const operatorDefaults = operators.map(({ object, view }) => view.string(object.node, 'spec', 'rbac', 'defaultPolicy')?.trim() ?? '');
    // the operator writes an ArgoCD's spec.rbac.defaultPolicy into its argocd-rbac-cm
    operators.forEach(({ object }, index) => {
      const policy = operatorDefaults[index];
      if (policy) defaults.push({ policy, path: object.source.file.path, namespace: object.namespace });
    });
    // the argocd-rbac-cm of the same file, else of the same namespace, else any the repository has
    const policiesFor = (source: SettingsSource, path: string): string[] => {
      const sameFile = defaults.filter((entry) => entry.path === path);
      const sameNamespace = defaults.filter((entry) => source.namespace !== undefined && entry.namespace === source.namespace);
      return (sameFile.length > 0 ? sameFile : sameNamespace.length > 0 ? sameNamespace : defaults).map((entry) => entry.policy);
    };
    const report = (source: string, at: Parameters<typeof context.report>[0]['at'], policies: string[]): void => {
      const { role, severity } = anonymousRole(policies);
      context.report({ messageId: 'anonymous', at, data: { source, role }, severity, subject: source });
    };
    for (const source of argocdSettings(context.workspace, 'argocd-cm')) {
      for (const setting of source.settings) {
        if (setting.key === 'users.anonymous.enabled' && setting.value.trim().toLowerCase() === 'true') report(source.label, setting.span, policiesFor(source, setting.span.path));
      }
    }
    for (const source of argocdSettings(context.workspace, 'argocd-cmd-params-cm')) {
      for (const setting of source.settings) {
        if (setting.key === 'server.disable.auth' && setting.value.trim().toLowerCase() === 'true') {
          context.report({ messageId: 'noAuth', at: setting.span, data: { source: source.label, value: setting.value.trim() }, subject: `${source.label} server.disable.auth` });
        }
      }
    }
    operators.forEach(({ object, view }, index) => {
      const enabled = view.get(view.get(object.node, 'spec'), 'usersAnonymousEnabled');
      if (isBooleanTrue(enabled)) report(`ArgoCD/${object.name ?? '(unnamed)'}`, objectSpan(object, enabled), [operatorDefaults[index] ?? '']);
    });
  },
});

/** The role anonymous users end up with, from every `policy.default` found. */
function anonymousRole(policies: readonly string[]): { role: string; severity: Severity } {
  const set = policies.filter((policy) => policy !== '');
  if (set.includes('role:admin')) return { role: 'policy.default role:admin: anyone can sync, edit and delete every Application', severity: 'critical' };
  if (set.length > 0) return { role: `policy.default ${set.join(', ')}: anyone can see every Application, its repositories and live manifests`, severity: 'high' };
  return { role: 'the policy.default of argocd-rbac-cm (none is set in this repository, so check the live one)', severity: 'critical' };
}
