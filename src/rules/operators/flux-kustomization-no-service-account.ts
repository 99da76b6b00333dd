import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import { apiGroup } from '../../model/kubernetes.js';
import { isPatchFragment } from '../../model/kustomize-patches.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { lockedDownControllers, type FluxController } from './flux-lockdown.js';
import { hasPatchedServiceAccount } from './flux-patched-service-account.js';
import { objectSpan } from './spans.js';

const RECONCILED: ReadonlyArray<{ group: string; kind: string; controller: FluxController }> = [
  { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', controller: 'kustomize-controller' },
  { group: 'helm.toolkit.fluxcd.io', kind: 'HelmRelease', controller: 'helm-controller' },
];

export default defineRule({
  id: 'flux-kustomization-no-service-account',
  layer: 'operators',
  severity: 'medium',
  objectKinds: ['Kustomization', 'HelmRelease'],
  summary: 'A Flux `Kustomization` or `HelmRelease` has no `spec.serviceAccountName`, so it applies with the controller\'s cluster-admin rights.',
  rationale:
    'Without `serviceAccountName`, kustomize-controller and helm-controller apply with their own service account, which ' +
    'Flux binds to cluster-admin. Whatever the source of that Kustomization or chart contains (a ClusterRoleBinding, a ' +
    'privileged DaemonSet, objects in other tenants\' namespaces) is applied, so anyone who can change the source is ' +
    'cluster-admin. Impersonating a per-tenant service account limits each source to its own namespace. A file that a ' +
    'kustomization applies as a patch holds only what it changes: it is not reported, the object it patches is. An object ' +
    'that a parent Flux Kustomization applies with `spec.patches` setting `/spec/serviceAccountName` (matched by the ' +
    'patch target\'s kind, name, namespace and equality label selector, over the files under the parent\'s `spec.path`) ' +
    'has that account and is not reported.',
  remediation:
    'Set `spec.serviceAccountName` to a service account bound only to what the tenant needs (its namespace). To enforce ' +
    'it for every object, start the controllers with `--default-service-account=<name>` (Flux multi-tenancy lockdown, ' +
    'or `cluster.multitenant: true` on a Flux Operator FluxInstance); Rampart then stays quiet. The platform\'s own ' +
    'flux-system Kustomizations may keep controller rights: suppress those with a reason.',
  references: [
    'https://fluxcd.io/flux/installation/configuration/multitenancy/',
    'https://fluxcd.io/flux/components/kustomize/kustomizations/#role-based-access-control',
    'https://fluxcd.io/flux/components/helm/helmreleases/#role-based-access-control',
    'https://fluxcd.io/flux/security/#multi-tenancy',
  ],
  messages: {
    missing: '{object}{namespace} sets no spec.serviceAccountName: {controller} applies it with its own cluster-admin rights.',
  },
  examples: {
    bad: [{ file: 'apps.yaml', code: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps # expect: flux-kustomization-no-service-account\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n' }],
    good: [{ file: 'apps.yaml', code: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: team-a\nspec:\n  serviceAccountName: team-a-reconciler\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef: {kind: GitRepository, name: team-a}\n' }],
  },
  check(context) {
    const locked = lockedDownControllers(context.workspace);
    for (const object of withEmbeddedObjects(context.workspace.kubeObjects())) {
      const reconciled = RECONCILED.find((candidate) => candidate.kind === object.kind && candidate.group === apiGroup(object));
      if (!reconciled || locked.has(reconciled.controller)) continue;
      // a kustomize patch leaves out what it does not change: the patched object is reported where it is defined
      if (isPatchFragment(context.workspace, object)) continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = view.get(object.node, 'spec');
      // a kubeConfig applies to another cluster with that kubeconfig's identity, not the controller's
      if (view.get(spec, 'kubeConfig') !== undefined) continue;
      // a spec that is not a map is rejected by the API server: nothing gets applied
      if (spec !== undefined && view.map(spec) === undefined) continue;
      const account = view.get(spec, 'serviceAccountName');
      if ((view.string(account)?.trim() ?? '') !== '') continue;
      if (hasPatchedServiceAccount(context.workspace, object)) continue;
      const label = `${object.kind}/${object.name ?? '(unnamed)'}`;
      context.report({
        messageId: 'missing',
        at: objectSpan(object, account),
        data: { object: label, namespace: object.namespace ? ` in ${object.namespace}` : '', controller: reconciled.controller },
        subject: label,
      });
    }
  },
});
