import { defineRule } from '../rule.js';
import { imageSignatureChecks } from './image-signatures.js';

export default defineRule({
  id: 'image-signature-invalid',
  layer: 'artifacts',
  severity: 'critical',
  requires: 'verify',
  integrationTest: 'test/verify-image.test.ts',
  summary: 'A referenced image has signatures, but none verifies under the trusted keys or identities (`scan --verify`).',
  rationale:
    'A signature that does not verify, was made by an untrusted key or identity, signs another digest or lacks ' +
    'its transparency log entry is worse than none: it looks like provenance. Someone may have copied a real ' +
    'signature onto their image, or signed with their own key hoping nobody checks who signed.',
  remediation:
    'Find out who pushed the image and signature. If the signer is legitimate, add its key or identity to ' +
    '`verify.images` in `.rampart.yaml`; otherwise stop deploying the image and rotate the registry credentials.',
  references: [
    'https://docs.sigstore.dev/cosign/verifying/verify/',
    'https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md',
  ],
  messages: {
    invalid: 'Image {image} ({digest}): {reason}: {detail} ({context}).',
  },
  examples: {
    bad: [{ file: 'deployment.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: ghcr.io/acme/web:1.4.2 # signed, but with a key other than cosign.pub\n' }],
    good: [{ file: 'deployment.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: ghcr.io/acme/web:1.4.3 # signed with cosign.pub, logged in Rekor\n' }],
  },
  async check(context) {
    for (const { occurrence, reference, verdict } of await imageSignatureChecks(context)) {
      if (verdict.status !== 'invalid') continue;
      context.report({
        messageId: 'invalid',
        at: occurrence.span,
        data: { image: occurrence.text, digest: verdict.digest, reason: verdict.reason, detail: verdict.detail, context: occurrence.context },
        subject: reference.canonical,
        properties: { image: reference.canonical, digest: verdict.digest, reason: verdict.reason },
      });
    }
  },
});
