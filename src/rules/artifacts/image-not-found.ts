import { isNotFound } from '../../resolve/errors.js';
import { defineRule } from '../rule.js';
import { lookUp, noteLookupFailure, registryOf, resolvableImages } from './registry-lookups.js';

const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n';

export default defineRule({
  id: 'image-not-found',
  layer: 'artifacts',
  severity: 'medium',
  requires: 'resolve',
  summary: 'The registry does not have the referenced image tag or digest (`scan --resolve`).',
  rationale:
    'A reference the registry cannot serve breaks the next rollout, and it is often worse than broken: a misspelt ' +
    'repository or a deleted tag is a name someone else can register or push later (typosquatting, dependency ' +
    'confusion), and the cluster will then pull their image. A pinned digest that no longer exists means the ' +
    'reviewed content is gone and whatever replaces the reference was not reviewed.',
  remediation:
    'Correct the reference, or push the missing tag. If the image was deleted on purpose, move to a supported ' +
    'version and pin it with `rampart pin`. Keep images you depend on in a registry you control.',
  references: [
    'https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests',
    'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  ],
  messages: {
    tag: 'Image {image} does not exist in {registry}: the tag was never pushed, was deleted, or the name is misspelt ({context}).',
    digest: 'The digest of image {image} does not exist in {registry}: the pinned content is gone ({context}).',
  },
  examples: {
    bad: [{
      file: 'deployment.yaml',
      code: `${DEPLOYMENT}        - name: web\n          # the registry has 1.4.1 only\n          image: ghcr.io/acme/web:1.4.2 # expect: image-not-found\n`,
      registry: '{"ghcr.io/acme/web:1.4.1": "sha256:1111111111111111111111111111111111111111111111111111111111111111"}',
    }],
    good: [{
      file: 'deployment.yaml',
      code: `${DEPLOYMENT}        - name: web\n          # the registry has 1.4.1\n          image: ghcr.io/acme/web:1.4.1\n`,
      registry: '{"ghcr.io/acme/web:1.4.1": "sha256:1111111111111111111111111111111111111111111111111111111111111111"}',
    }],
  },
  async check(context) {
    const client = registryOf(context);
    if (!client) return;
    // a tag Rampart inferred (a chart's appVersion) may not be the one the chart's template builds
    const images = resolvableImages(context.workspace).filter(({ occurrence }) => occurrence.tagImplicit === undefined);
    const lookups = await Promise.all(images.map(({ reference }) => lookUp(client, reference)));
    images.forEach(({ occurrence, reference }, index) => {
      const lookup = lookups[index];
      if (!lookup || lookup.ok) return;
      if (!isNotFound(lookup.error)) {
        noteLookupFailure(context.workspace, occurrence, reference, lookup.error);
        return;
      }
      context.report({
        messageId: reference.digest ? 'digest' : 'tag',
        at: occurrence.span,
        data: { image: occurrence.text, registry: reference.registry, context: occurrence.context },
        subject: reference.canonical,
        properties: { image: reference.canonical, source: occurrence.source },
      });
    });
  },
});
