import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import type { Node } from 'yaml';
import { apiGroup, describeObject } from '../../model/kubernetes.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { objectSpan } from './spans.js';

export default defineRule({
  id: 'kyverno-verify-images-weak',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['ClusterPolicy', 'Policy'],
  summary: 'A Kyverno `verifyImages` rule that does not stop unsigned images: Audit mode, `required: false`, `verifyDigest: false`, or a keyless attestor without subject or issuer.',
  rationale:
    'Signature verification only protects the cluster when a failed check blocks the pod. In Audit mode (Kyverno\'s ' +
    'default when `validationFailureAction`/`failureAction` is not `Enforce`) an unsigned image is admitted and a report ' +
    'is written; `required: false` admits images with no signature at all; `verifyDigest: false` lets a verified tag be ' +
    'moved to other bytes after admission; a keyless attestor without `subject` and `issuer` accepts a signature made ' +
    'by anyone with a Sigstore identity.',
  remediation:
    'Set `failureAction: Enforce` (Kyverno 1.13+, per rule) or `spec.validationFailureAction: Enforce`, keep `required` and ' +
    '`verifyDigest` at their default `true` (with `mutateDigest: true`), and give keyless attestors the exact `subject` ' +
    '(e.g. `https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*`) and `issuer`.',
  references: [
    'https://kyverno.io/docs/writing-policies/verify-images/sigstore/',
    'https://kyverno.io/docs/writing-policies/validate/#failure-action',
  ],
  messages: {
    audit: '{policy} verifies image signatures in Audit mode{how}: unsigned images are admitted and only reported.',
    notRequired: '{policy} verifyImages sets required: false: images with no signature are admitted.',
    noDigest: '{policy} verifyImages sets verifyDigest: false: a verified tag can be moved to other bytes after admission.',
    keyless: '{policy} keyless attestor has no {missing}: a signature by any Sigstore identity passes.',
  },
  examples: {
    bad: [{ file: 'policy.yaml', code: 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: verify}\nspec:\n  validationFailureAction: Audit # expect: kyverno-verify-images-weak\n  rules:\n    - name: signed\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      verifyImages:\n        - imageReferences: ["ghcr.io/acme/*"]\n          attestors:\n            - entries:\n                - keyless: {subject: "https://github.com/acme/*", issuer: "https://token.actions.githubusercontent.com"}\n' }],
    good: [{ file: 'policy.yaml', code: 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: verify}\nspec:\n  validationFailureAction: Enforce\n  rules:\n    - name: signed\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      verifyImages:\n        - imageReferences: ["ghcr.io/acme/*"]\n          attestors:\n            - entries:\n                - keyless: {subject: "https://github.com/acme/*", issuer: "https://token.actions.githubusercontent.com"}\n' }],
  },
  check(context) {
    for (const object of withEmbeddedObjects(context.workspace.kubeObjects())) {
      if ((object.kind !== 'ClusterPolicy' && object.kind !== 'Policy') || apiGroup(object) !== 'kyverno.io') continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = view.get(object.node, 'spec');
      const policy = describeObject(object);
      const policyAction = view.get(spec, 'validationFailureAction');
      let auditReported = false;
      for (const rule of view.items(view.get(spec, 'rules'))) {
        for (const verify of view.items(view.get(rule, 'verifyImages'))) {
          const ruleAction = view.get(verify, 'failureAction') ?? view.get(verify, 'validationFailureAction');
          const action = ruleAction ?? policyAction;
          if (!isEnforce(view.string(action)) && !(ruleAction === undefined && auditReported)) {
            if (ruleAction === undefined) auditReported = true;
            const how = action === undefined ? ' (no validationFailureAction: the default is Audit)' : '';
            context.report({ messageId: 'audit', at: objectSpan(object, action ?? firstKey(view, verify)), data: { policy, how }, subject: `${policy} audit` });
          }
          const required = view.get(verify, 'required');
          if (required !== undefined && isFalse(view.string(required))) context.report({ messageId: 'notRequired', at: objectSpan(object, required), data: { policy }, subject: `${policy} required` });
          const digest = view.get(verify, 'verifyDigest');
          if (digest !== undefined && isFalse(view.string(digest))) context.report({ messageId: 'noDigest', at: objectSpan(object, digest), data: { policy }, subject: `${policy} verifyDigest` });
          for (const attestor of view.items(view.get(verify, 'attestors'))) {
            for (const entry of view.items(view.get(attestor, 'entries'))) {
              const keyless = view.get(entry, 'keyless');
              if (keyless === undefined) continue;
              const subject = view.string(keyless, 'subject') ?? view.string(keyless, 'subjectRegExp');
              const issuer = view.string(keyless, 'issuer') ?? view.string(keyless, 'issuerRegExp');
              const missing = [subject === undefined || /^(\*|\.\*)$/.test(subject) ? 'subject' : '', issuer === undefined || /^(\*|\.\*)$/.test(issuer) ? 'issuer' : ''].filter(Boolean);
              if (missing.length === 0) continue;
              context.report({ messageId: 'keyless', at: objectSpan(object, firstKey(view, keyless) ?? keyless), data: { policy, missing: missing.join(' or ') }, subject: `${policy} keyless` });
            }
          }
        }
      }
    }
  },
});

function isEnforce(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === 'enforce';
}

function isFalse(value: string | undefined): boolean {
  return value !== undefined && /^(false|no|off)$/i.test(value);
}

/** The first value written in a map, so that a finding about the map lands on its first line. */
function firstKey(view: ResolvedYaml, node: Node | undefined): Node | undefined {
  return view.entries(node)[0]?.value ?? undefined;
}
