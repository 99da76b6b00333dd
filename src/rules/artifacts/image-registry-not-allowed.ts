import { defineRule } from '../rule.js';
import { registryAllowed } from './registry-allow-list.js';

export default defineRule({
  id: 'image-registry-not-allowed',
  layer: 'artifacts',
  severity: 'high',
  summary: 'An image comes from a registry outside the configured allow-list.',
  rationale:
    'Pulling from arbitrary registries bypasses the scanning, signing and mirroring that an organisation applies to ' +
    'its own; typosquatted or abandoned public repositories are a known supply-chain entry point.',
  remediation:
    'Mirror the image into an allowed registry and reference it there, or add the registry to `registries.allowed` ' +
    'in `.rampart.yaml` after review. The rule is silent until an allow-list is configured.',
  references: [
    'https://kubernetes.io/docs/concepts/security/security-checklist/#images',
    'https://kyverno.io/policies/best-practices/restrict-image-registries/restrict-image-registries/',
  ],
  messages: { notAllowed: 'Image {image} comes from {registry}, which is not in the allowed registries ({allowed}).' },
  examples: {
    bad: [{ file: 'compose.yaml', config: 'registries:\n  allowed: [ghcr.io/acme]\n', code: 'services:\n  web:\n    image: docker.io/library/redis:7@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef # expect: image-registry-not-allowed\n' }],
    good: [{ file: 'compose.yaml', config: 'registries:\n  allowed: [ghcr.io/acme]\n', code: 'services:\n  web:\n    image: ghcr.io/acme/web:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n' }],
  },
  check(context) {
    const allowed = context.config.allowedRegistries;
    if (allowed.length === 0) return;
    for (const image of context.workspace.images()) {
      if (!image.parsed.ok) continue;
      const reference = image.parsed.reference;
      if (registryAllowed(reference, allowed)) continue;
      context.report({
        messageId: 'notAllowed',
        at: image.span,
        data: { image: image.text, registry: reference.registry, allowed: allowed.join(', ') },
        subject: reference.name,
        properties: { image: reference.canonical, registry: reference.registry },
      });
    }
  },
});
