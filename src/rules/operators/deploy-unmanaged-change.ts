import { defineRule } from '../rule.js';

const managedPatch = {
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'RequestResponse', auditID: '5c1e7a52-6a0b-4c0e-9a57-2f4f3c1d9e10', stage: 'ResponseComplete',
  requestURI: '/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=kubectl-edit', verb: 'patch',
  user: { username: 'jane@example.com', groups: ['system:authenticated'] }, sourceIPs: ['10.0.0.7'], userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc',
  objectRef: { resource: 'deployments', namespace: 'shop', name: 'web', apiGroup: 'apps', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 200 },
  requestObject: { spec: { template: { spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:debug' }] } } } },
  responseObject: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'web', namespace: 'shop', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } }, spec: {} },
  requestReceivedTimestamp: '2026-01-02T03:04:05.000000Z', stageTimestamp: '2026-01-02T03:04:05.020000Z',
};
const controllerPatch = {
  ...managedPatch,
  auditID: '0f3b2d7e-1c8a-4d55-b3a1-7a9e6c2b8d41',
  user: { username: 'system:serviceaccount:flux-system:kustomize-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:flux-system', 'system:authenticated'] },
  userAgent: 'kustomize-controller/v1.4.0',
};

export default defineRule({
  id: 'deploy-unmanaged-change',
  layer: 'operators',
  severity: 'high',
  summary: 'An object a GitOps controller manages (Argo CD tracking, Flux labels) was created, changed or deleted in the cluster by someone other than that controller.',
  rationale:
    'In a GitOps cluster the controller applying Git is the only writer of what Git declares. A `kubectl edit`, ' +
    'a `kubectl set image`, a CI job with a kubeconfig or a stolen token that changes a managed object deploys ' +
    'something no commit asked for and no review saw. The controller may revert it at the next sync, or not ' +
    '(self-heal off, ignored fields, a deleted object that pruning never recreates), and in between it runs.',
  remediation:
    'Find who made the change (`user`, `sourceIPs`, `userAgent` in the finding) and why; make the change in Git ' +
    'instead and let the controller apply it. Take write access to managed namespaces away from people and CI ' +
    '(read-only RBAC, break-glass accounts that page), turn on Argo CD self-heal or Flux drift correction, and ' +
    'if the identity is a controller of yours, name it with `--argocd-controller`/`--flux-controller`.',
  references: [
    'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/',
    'https://argo-cd.readthedocs.io/en/stable/user-guide/resource_tracking/',
    'https://fluxcd.io/flux/components/kustomize/kustomizations/#controlling-the-apply-behavior-of-resources',
  ],
  requires: 'watch',
  runsWith: '`rampart watch --audit-log FILE` (or the audit webhook backend)',
  integrationTest: 'test/watch.test.ts',
  messages: {
    created: '{object} was created by {actor}, not by {controller}: it carries the marks of {owner} but Git did not apply it.',
    changed: '{object} ({owner}, applied by {controller}) was changed by {actor} with {verb}: a change Git did not ask for.',
    deleted: '{object} ({owner}, applied by {controller}) was deleted by {actor}, not by its controller.',
  },
  examples: {
    bad: [{ file: 'audit.log', code: `${JSON.stringify(managedPatch)}\n` }],
    good: [{ file: 'audit.log', code: `${JSON.stringify(controllerPatch)}\n` }],
  },
  check() {
    // judges cluster records, not files: `rampart watch` runs it (src/watch/judges/unmanaged-change.ts)
  },
});
