import { defineRule } from '../rule.js';

const application = (image: string): string => `${JSON.stringify({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'shop', namespace: 'argocd' },
  spec: { project: 'shop', source: { repoURL: 'https://github.com/acme/deploy.git', path: 'apps/shop', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } },
  status: { sync: { status: 'Synced', revision: '1b2c3d4e5f60718293a4b5c6d7e8f90123456789' }, summary: { images: [image] } },
}, null, 2)}\n`;

export default defineRule({
  id: 'deploy-image-not-in-git',
  layer: 'operators',
  severity: 'critical',
  summary: 'An Application runs an image that the revision it is synced to does not declare.',
  rationale:
    'Git is meant to say what runs. An image no manifest at the synced revision names got there another way: ' +
    '`kubectl set image`, a mutating webhook, an image updater writing to the cluster instead of Git, or a ' +
    'compromised controller. Whatever it is, it skipped review, and the next sync may or may not undo it.',
  remediation:
    'Find how the image got there (the audit log: `rampart watch --audit-log` reports who patched managed objects); ' +
    'restore the declared image by syncing, and declare images in Git only, pinned by digest. Turn on self-heal ' +
    'so drift is reverted, and keep mutating webhooks from rewriting images of GitOps-managed workloads.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-self-healing',
    'https://fluxcd.io/flux/components/kustomize/kustomizations/#drift-detection-and-correction',
  ],
  requires: 'watch',
  runsWith: '`rampart watch --argocd-apps FILE --repo PATH`, with `--audit-log FILE` for the pods the audit log shows created',
  integrationTest: 'test/watch-deployments.test.ts',
  messages: {
    notDeclared: '{deployer} runs {image}, which nothing under {path} at its synced revision {revision} declares.',
  },
  examples: {
    bad: [{ file: 'applications.json', code: application('ghcr.io/acme/web@sha256:0c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d') }],
    good: [{ file: 'applications.json', code: application('ghcr.io/acme/web@sha256:9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c') }],
  },
  check() {
    // judges cluster records against the repository: `rampart watch` runs it (src/watch/judges/deployments.ts)
  },
});
