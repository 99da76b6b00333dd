import { defineRule } from '../rule.js';

export default defineRule({
  id: 'image-not-pinned',
  layer: 'artifacts',
  severity: 'high',
  summary: 'An image is referenced by tag instead of by an immutable @sha256 digest.',
  rationale:
    'A tag is a movable pointer: whoever can push to the repository (or compromise the registry) can point it at ' +
    'other content, and the next rollout, reschedule or node scale-up pulls it. Git then no longer says what runs. ' +
    'A digest names exactly one manifest, so the cluster runs the bytes that were reviewed.',
  remediation:
    'Pin the image to its digest, keeping the tag for readers: `repo:tag@sha256:<digest>`. `rampart pin` does this for ' +
    'every reference; let Renovate or Flux image automation update digests through pull requests.',
  references: [
    'https://kubernetes.io/docs/concepts/containers/images/#image-names',
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
    'https://slsa.dev/spec/v1.0/threats',
  ],
  messages: {
    tag: 'Image {image} is not pinned to a digest ({context}).',
    implicit: 'Image {image} is not pinned to a digest: {detail} ({context}).',
  },
  fixable: true,
  examples: {
    bad: [{ file: 'deployment.yaml', code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27 # expect: image-not-pinned\n' }],
    good: [{ file: 'deployment.yaml', code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27@sha256:6c4b8e2b1a3f0d9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d\n' }],
  },
  check(context) {
    for (const image of context.workspace.images()) {
      if (!image.parsed.ok || image.parsed.reference.digest) continue;
      const data = { image: image.text, context: image.context };
      context.report({
        messageId: image.tagImplicit ? 'implicit' : 'tag',
        at: image.span,
        data: image.tagImplicit ? { ...data, detail: image.tagImplicit } : data,
        subject: image.parsed.reference.canonical,
        properties: { image: image.parsed.reference.canonical, source: image.source },
      });
    }
  },
});
