import { isPatchFragment } from '../../model/kustomize-patches.js';
import { isBooleanTrue } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { argocdOperatorInstances, argocdSettings } from './argocd-settings.js';
import { objectSpan } from './spans.js';
import { CHART_VALUES_HOLDERS } from '../object-kinds.js';

export default defineRule({
  id: 'argocd-admin-enabled',
  layer: 'operators',
  severity: 'low',
  objectKinds: ['ConfigMap', 'ArgoCD', 'Kustomization', ...CHART_VALUES_HOLDERS],
  summary: 'The built-in Argo CD `admin` account is enabled (`admin.enabled` in `argocd-cm` is not `"false"`).',
  rationale:
    'The local `admin` account has every permission, is shared rather than personal, has no second factor, and its ' +
    'initial password sits in the `argocd-initial-admin-secret` Secret. Once SSO is configured it is only a backdoor: ' +
    'actions taken with it are not attributable to a person. An `ArgoCD` in a file a kustomization applies as a patch is ' +
    'a fragment of the instance it patches: it is reported only when it sets `disableAdmin` to something else than true, ' +
    'and a patch that sets `disableAdmin: true` disables the admin account of the instance of that name.',
  remediation:
    'After configuring SSO and giving a group `role:admin` in `argocd-rbac-cm`, set `admin.enabled: "false"` in ' +
    '`argocd-cm` (with the Argo CD Operator, `spec.disableAdmin: true`) and delete `argocd-initial-admin-secret`.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/#disable-admin-user',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/security/',
  ],
  messages: {
    explicit: '{source} sets admin.enabled to "{value}": the shared admin account stays enabled.',
    unset: '{source} does not set admin.enabled, and nothing else in the repository does: the admin account is enabled by default.',
    operator: 'ArgoCD/{name} does not set spec.disableAdmin: true: the admin account is enabled.',
  },
  examples: {
    bad: [{ file: 'argocd-cm.yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  admin.enabled: "true" # expect: argocd-admin-enabled\n' }],
    good: [{ file: 'argocd-cm.yaml', code: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  admin.enabled: "false"\n' }],
  },
  check(context) {
    const sources = argocdSettings(context.workspace, 'argocd-cm');
    const settings = sources.flatMap((source) => source.settings.filter((setting) => setting.key === 'admin.enabled').map((setting) => ({ source, setting })));
    for (const { source, setting } of settings) {
      if (setting.value.trim().toLowerCase() !== 'false') context.report({ messageId: 'explicit', at: setting.span, data: { source: source.label, value: setting.value }, subject: source.label });
    }
    // a patch or generator elsewhere may disable it: only an argocd-cm nobody overrides is enabled by default
    if (settings.length === 0) {
      for (const source of sources.filter((candidate) => !candidate.partial)) context.report({ messageId: 'unset', at: source.span, data: { source: source.label }, subject: source.label });
    }
    const instances = argocdOperatorInstances(context.workspace).map((instance) => ({
      ...instance,
      disable: instance.view.path(instance.object.node, 'spec', 'disableAdmin'),
      patch: isPatchFragment(context.workspace, instance.object),
    }));
    // an overlay's patch that disables the admin account disables it for the instance it patches
    const disabledByPatch = new Set(instances.filter(({ patch, disable }) => patch && isBooleanTrue(disable)).map(({ object }) => object.name));
    for (const { object, disable, patch } of instances) {
      if (isBooleanTrue(disable)) continue;
      // a patch that leaves disableAdmin out leaves the patched instance's setting as it is
      if (patch ? disable === undefined : disabledByPatch.has(object.name)) continue;
      context.report({ messageId: 'operator', at: objectSpan(object, disable), data: { name: object.name ?? '(unnamed)' }, subject: object.name ?? '' });
    }
  },
});
