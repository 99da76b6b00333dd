import { defineRule } from '../rule.js';

const application = (revision: string): string => `${JSON.stringify({
  apiVersion: 'v1', kind: 'List', items: [{
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'shop', namespace: 'argocd' },
    spec: { project: 'shop', source: { repoURL: 'https://github.com/acme/deploy.git', path: 'apps/shop', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } },
    status: { sync: { status: 'Synced', revision }, history: [{ id: 4, revision, deployedAt: '2026-01-02T03:04:05Z', deployStartedAt: '2026-01-02T03:04:01Z', source: { repoURL: 'https://github.com/acme/deploy.git', path: 'apps/shop', targetRevision: 'main' }, initiatedBy: { automated: true } }] },
  }],
}, null, 2)}\n`;

export default defineRule({
  id: 'deploy-revision-unverified',
  layer: 'operators',
  severity: 'critical',
  summary: 'A GitOps controller synced a revision that is not signed by a trusted signer, or is not on the protected branch.',
  rationale:
    'Signing commits and protecting the branch mean little if the cluster runs whatever revision the controller ' +
    'is pointed at. A sync to an unsigned commit, a commit signed by an unknown key, or a commit from a side branch ' +
    '(`argocd app sync --revision`, a changed `targetRevision`, a force-pushed branch) deploys code that skipped ' +
    'review and signing; the Application history and sync status record exactly which revision that was.',
  remediation:
    'Find who started the sync (`initiatedBy`) and what the revision contains; roll back to a signed revision on ' +
    'the protected branch. Make the controller refuse unsigned revisions (Argo CD `AppProject.spec.signatureKeys` ' +
    'or `sourceIntegrity`, Flux `GitRepository.spec.verify`), pin `targetRevision` to the protected branch, and ' +
    'take `sync` with a revision override away from people in Argo CD RBAC.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/user-guide/gpg-verification/',
    'https://fluxcd.io/flux/components/source/gitrepositories/#verification',
    'https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/',
  ],
  requires: 'watch',
  runsWith: '`rampart watch --argocd-apps FILE` (or `--argocd-log FILE`) `--repo PATH` with `--allowed-signers`/`--gpg-keyring` (or `verify.commits` in `.rampart.yaml`)',
  integrationTest: 'test/watch-deployments.test.ts',
  messages: {
    unsigned: '{deployer} synced {revision} ({recordedIn}), a commit with no signature.',
    untrusted: '{deployer} synced {revision} ({recordedIn}), whose signature is not trusted: {detail}.',
    offBranch: '{deployer} synced {revision} ({recordedIn}), which is not on the protected branch {branch}.',
  },
  examples: {
    bad: [{ file: 'applications.json', code: application('9f2c4e1b7a3d5f6e8c0b1a2d3e4f5a6b7c8d9e0f') }],
    good: [{ file: 'applications.json', code: application('1b2c3d4e5f60718293a4b5c6d7e8f90123456789') }],
  },
  check() {
    // judges cluster records against the repository: `rampart watch` runs it (src/watch/judges/deployments.ts)
  },
});
