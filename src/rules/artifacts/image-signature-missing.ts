import { defineRule } from '../rule.js';
import { imageSignatureChecks } from './image-signatures.js';

export default defineRule({
  id: 'image-signature-missing',
  layer: 'artifacts',
  severity: 'high',
  requires: 'verify',
  integrationTest: 'test/verify-image.test.ts',
  summary: 'No cosign signature exists for the digest of a referenced image (`scan --verify`).',
  rationale:
    'A digest proves which bytes run, not who built them. Without a signature by the publisher\'s key or CI ' +
    'identity, an image pushed with stolen registry credentials, or built outside the release pipeline, is ' +
    'indistinguishable from a real release.',
  remediation:
    'Sign the image in the release pipeline (`cosign sign --key …` or keyless `cosign sign` from CI), or reference ' +
    'a digest that is signed. Enforce signatures at admission as well (Kyverno verifyImages, Sigstore policy-controller).',
  references: [
    'https://docs.sigstore.dev/cosign/signing/signing_with_containers/',
    'https://kyverno.io/docs/writing-policies/verify-images/sigstore/',
  ],
  messages: {
    missing: 'Image {image} ({digest}) has no signature ({context}).',
  },
  examples: {
    bad: [{ file: 'deployment.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: ghcr.io/acme/web:1.4.2 # unsigned: nothing under sha256-<hex>.sig, no bundle referrer\n' }],
    good: [{ file: 'deployment.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: ghcr.io/acme/web:1.4.3 # signed by the release key given with --key cosign.pub\n' }],
  },
  async check(context) {
    for (const { occurrence, reference, verdict } of await imageSignatureChecks(context)) {
      if (verdict.status !== 'unsigned') continue;
      context.report({
        messageId: 'missing',
        at: occurrence.span,
        data: { image: occurrence.text, digest: verdict.digest, context: occurrence.context },
        subject: reference.canonical,
        properties: { image: reference.canonical, digest: verdict.digest },
      });
    }
  },
});
