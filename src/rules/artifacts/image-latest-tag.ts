import { defineRule } from '../rule.js';

export default defineRule({
  id: 'image-latest-tag',
  layer: 'artifacts',
  severity: 'high',
  summary: 'An image uses the `latest` tag, or no tag at all, and no digest.',
  rationale:
    '`latest` (and a missing tag, which means `latest`) changes with every push. Two nodes can run different code ' +
    'under the same manifest, rollbacks restore nothing, and a compromised push reaches production at the next pull.',
  remediation:
    'Reference a specific version and pin its digest: `repo:1.4.2@sha256:<digest>`. Run `rampart pin` to add digests.',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/overview/#container-images',
    'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  ],
  messages: {
    latest: 'Image {image} uses the mutable `latest` tag ({context}).',
    untagged: 'Image {image} has no tag, so `latest` is pulled ({context}).',
  },
  examples: {
    bad: [{ file: 'Dockerfile', code: 'FROM alpine # expect: image-latest-tag\nFROM busybox:latest # expect: image-latest-tag\n' }],
    good: [{ file: 'Dockerfile', code: 'FROM alpine:3.20@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5\nFROM golang:1.23 AS build\nFROM build\nFROM scratch\n' }],
  },
  check(context) {
    for (const image of context.workspace.images()) {
      if (!image.parsed.ok || image.tagImplicit) continue;
      const { tag, digest, canonical } = image.parsed.reference;
      if (digest) continue;
      if (tag !== undefined && tag !== 'latest') continue;
      context.report({
        messageId: tag === 'latest' ? 'latest' : 'untagged',
        at: image.span,
        data: { image: image.text, context: image.context },
        subject: canonical,
        properties: { image: canonical, source: image.source },
      });
    }
  },
});
