import { defineRule } from '../rule.js';

const setRevision = {
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Request', auditID: '2b9e6f0c-3d1a-4e7b-9c58-7a0f1e2d3c4b', stage: 'ResponseComplete',
  requestURI: '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/shop', verb: 'patch',
  user: { username: 'system:serviceaccount:argocd:argocd-server', groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated'] },
  sourceIPs: ['10.244.1.7'], userAgent: 'argocd-server/v2.13.1 (linux/amd64)',
  objectRef: { resource: 'applications', namespace: 'argocd', name: 'shop', apiGroup: 'argoproj.io', apiVersion: 'v1alpha1' },
  responseStatus: { metadata: {}, code: 200 },
  requestObject: { spec: { source: { targetRevision: 'hotfix-no-review' } } },
  requestReceivedTimestamp: '2026-01-02T03:04:05.000000Z', stageTimestamp: '2026-01-02T03:04:05.031000Z',
};
const refresh = { ...setRevision, auditID: '6c0d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', requestObject: { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } } };

export default defineRule({
  id: 'deploy-source-changed',
  layer: 'operators',
  severity: 'high',
  summary: 'Where an Application, Kustomization, HelmRelease or Flux source deploys from (repository, branch, revision, path, chart) was changed in the cluster, not in Git.',
  rationale:
    'Pointing a deployment at another repository, branch or path deploys whatever is there, without a commit ' +
    'to the GitOps repository and without its review or signatures: `argocd app set --revision`, an edit in the ' +
    'Argo CD UI, or a `kubectl patch` of a GitRepository is enough. It is also the quiet way to keep a change: ' +
    'the manifests in Git stay clean while the cluster follows something else.',
  remediation:
    'Find who changed it (the finding names the user, source IP and what changed) and restore the source from ' +
    'Git. Keep Applications, Kustomizations and sources themselves in Git (app of apps, the flux-system ' +
    'Kustomization) so the controller reverts edits, and take `update` on them away from people (Argo CD RBAC ' +
    '`applications, update`; Kubernetes RBAC on the Flux CRDs).',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/cluster-bootstrapping/',
    'https://argo-cd.readthedocs.io/en/stable/operator-manual/rbac/',
    'https://fluxcd.io/flux/components/source/gitrepositories/',
  ],
  requires: 'watch',
  runsWith: '`rampart watch --audit-log FILE` (or the audit webhook backend), and `--events FILE` (or Flux events posted to `--listen`)',
  integrationTest: 'test/watch.test.ts',
  messages: {
    changed: '{object} now deploys from elsewhere, changed by {actor} outside Git: {changes}.',
    refChanged: '{object} now deploys {ref} where it deployed {previous} ({recordedIn}): its source was pointed at another branch or tag; check that Git asked for it.',
  },
  examples: {
    bad: [{ file: 'audit.log', code: `${JSON.stringify(setRevision)}\n` }],
    good: [{ file: 'audit.log', code: `${JSON.stringify(refresh)}\n` }],
  },
  check() {
    // judges cluster records, not files: `rampart watch` runs it (src/watch/judges/source-changed.ts)
  },
});
