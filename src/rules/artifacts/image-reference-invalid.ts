import { defineRule } from '../rule.js';

export default defineRule({
  id: 'image-reference-invalid',
  layer: 'artifacts',
  severity: 'medium',
  summary: 'An image reference that does not follow the distribution reference grammar.',
  rationale:
    'A malformed reference fails at pull time, in production, instead of in review; and a reference that some tools ' +
    'parse differently from the runtime (uppercase names, truncated digests) can hide what is really pulled.',
  remediation: 'Write the reference as `[registry[:port]/]repository[:tag][@sha256:<64 hex>]` with a lowercase repository.',
  references: ['https://github.com/distribution/reference/blob/main/reference.go'],
  messages: { invalid: 'Image reference "{image}" is invalid: {reason} ({context}).' },
  examples: {
    bad: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: Nginx:1.27 # expect: image-reference-invalid\n    - name: b\n      image: nginx@sha256:abc # expect: image-reference-invalid\n' }],
    good: [{ file: 'pod.yaml', code: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: "{{ .Values.image }}"\n' }],
  },
  check(context) {
    for (const image of context.workspace.images()) {
      if (image.parsed.ok) continue;
      context.report({
        messageId: 'invalid',
        at: image.span,
        data: { image: image.text, reason: image.parsed.reason, context: image.context },
        subject: image.text,
      });
    }
  },
});
