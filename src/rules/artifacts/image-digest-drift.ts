import { isNotFound } from '../../resolve/errors.js';
import { defineRule } from '../rule.js';
import { indexContains, lookUp, noteLookupFailure, registryOf, resolvableImages, tagOnly } from './registry-lookups.js';

const PINNED = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const MOVED = 'sha256:2222222222222222222222222222222222222222222222222222222222222222';
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n';

export default defineRule({
  id: 'image-digest-drift',
  layer: 'artifacts',
  severity: 'high',
  requires: 'resolve',
  summary: 'A `repo:tag@digest` reference whose tag now resolves to another digest: the tag was moved (`scan --resolve`).',
  rationale:
    'The digest keeps the cluster on the reviewed content, but the tag written next to it is what people read and ' +
    'what update bots follow. When the registry now serves other content under that tag, either a new release ' +
    'was pushed over an existing version (a practice that breaks reproducibility) or someone with push access, ' +
    'possibly an attacker, replaced the image. Either way the tag no longer describes the pinned digest.',
  remediation:
    'Find out why the tag moved: compare the two digests (`crane manifest`, `skopeo inspect`) and the registry audit ' +
    'log. If the new content is legitimate, pin it deliberately in a reviewed commit (`rampart pin` after removing ' +
    'the old digest); if not, keep the old digest and report the compromise. Prefer registries with immutable tags.',
  references: [
    'https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests',
    'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html',
    'https://slsa.dev/spec/v1.0/threats',
  ],
  messages: {
    moved: 'The tag {tag} of {name} now points to {current}, not to the pinned {pinned}: the tag was moved after pinning ({context}).',
  },
  examples: {
    bad: [{
      file: 'deployment.yaml',
      code: `${DEPLOYMENT}        - name: web\n          # the registry now serves ${MOVED.slice(0, 15)}… as 1.4.1\n          image: ghcr.io/acme/web:1.4.1@${PINNED} # expect: image-digest-drift\n`,
      registry: `{"ghcr.io/acme/web:1.4.1": "${MOVED}", "ghcr.io/acme/web:1.4.0": "${PINNED}"}`,
    }],
    good: [{
      file: 'deployment.yaml',
      code: `${DEPLOYMENT}        - name: web\n          # the registry still serves this digest as 1.4.1\n          image: ghcr.io/acme/web:1.4.1@${PINNED}\n`,
      registry: `{"ghcr.io/acme/web:1.4.1": "${PINNED}"}`,
    }],
  },
  async check(context) {
    const client = registryOf(context);
    if (!client) return;
    const candidates = resolvableImages(context.workspace).flatMap(({ occurrence, reference }) => {
      const tagged = reference.digest ? tagOnly(reference) : undefined;
      return tagged && reference.digest ? [{ occurrence, reference, tagged, pinned: reference.digest }] : [];
    });
    await Promise.all(candidates.map(async ({ occurrence, reference, tagged, pinned }) => {
      const lookup = await lookUp(client, tagged);
      if (!lookup.ok) {
        // a deleted tag is not drift; image-not-found judges the digest that is pulled
        if (!isNotFound(lookup.error)) {
          noteLookupFailure(context.workspace, occurrence, reference, lookup.error);
        }
        return;
      }
      const current = lookup.descriptor;
      if (current.digest === pinned) return;
      // pinned to one platform of a multi-arch tag: still the same release
      if (await indexContains(client, tagged, current, pinned)) return;
      context.report({
        messageId: 'moved',
        at: occurrence.span,
        data: { tag: tagged.tag ?? '', name: reference.name, current: current.digest, pinned, context: occurrence.context },
        subject: reference.canonical,
        properties: { image: reference.canonical, currentDigest: current.digest, source: occurrence.source },
      });
    }));
  },
});
