import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import { apiGroup, describeObject } from '../../model/kubernetes.js';
import { ResolvedYaml } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { objectSpan } from './spans.js';

const MATCH_ALL = /^(\*|\.\*|\.\+|\^\.\*\$?|\^\.\+\$?)$/;

export default defineRule({
  id: 'sigstore-policy-weak',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['ClusterImagePolicy'],
  summary: 'A Sigstore policy-controller `ClusterImagePolicy` in `warn` mode, or with a keyless authority whose identities are missing or match anyone.',
  rationale:
    'The policy-controller admits an image when any authority is satisfied. A keyless authority without `identities` ' +
    '(or with issuer and subject patterns that match everything) is satisfied by a signature from any Sigstore ' +
    'identity, which anyone can obtain for free. In `mode: warn` a failed verification only adds a warning and the pod runs.',
  remediation:
    'Give every keyless authority `identities` with the exact `issuer` and `subject` (or anchored `issuerRegExp`/`subjectRegExp`) ' +
    'of your release workflow, and remove `mode: warn` (the default, `enforce`, rejects). Label the namespaces that must be ' +
    'protected with `policy.sigstore.dev/include: "true"`: the controller ignores the others.',
  references: [
    'https://docs.sigstore.dev/policy-controller/overview/',
  ],
  messages: {
    warn: '{policy} is in warn mode: images that fail verification are admitted with a warning.',
    identities: '{policy} keyless authority {authority} {problem}: a signature by any Sigstore identity passes.',
  },
  examples: {
    bad: [{ file: 'policy.yaml', code: 'apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: {name: signed}\nspec:\n  images: [{glob: "ghcr.io/acme/**"}]\n  authorities:\n    - keyless:\n        url: https://fulcio.sigstore.dev # expect: sigstore-policy-weak\n' }],
    good: [{ file: 'policy.yaml', code: 'apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: {name: signed}\nspec:\n  images: [{glob: "ghcr.io/acme/**"}]\n  authorities:\n    - keyless:\n        url: https://fulcio.sigstore.dev\n        identities:\n          - issuer: https://token.actions.githubusercontent.com\n            subject: https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main\n' }],
  },
  check(context) {
    for (const object of withEmbeddedObjects(context.workspace.kubeObjects())) {
      if (object.kind !== 'ClusterImagePolicy' || apiGroup(object) !== 'policy.sigstore.dev') continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = view.get(object.node, 'spec');
      const policy = describeObject(object);
      const mode = view.get(spec, 'mode');
      if (view.string(mode)?.toLowerCase() === 'warn') context.report({ messageId: 'warn', at: objectSpan(object, mode), data: { policy }, subject: `${policy} mode` });
      view.items(view.get(spec, 'authorities')).forEach((authority, index) => {
        const keyless = view.get(authority, 'keyless');
        if (keyless === undefined) return;
        const name = view.string(authority, 'name') ?? `#${index + 1}`;
        const identitiesNode = view.get(keyless, 'identities');
        const identities = view.items(identitiesNode);
        let problem: string | undefined;
        if (identities.length === 0) problem = 'has no identities';
        else if (identities.some((identity) => matchesAll(view.string(identity, 'issuer') ?? view.string(identity, 'issuerRegExp')) && matchesAll(view.string(identity, 'subject') ?? view.string(identity, 'subjectRegExp')))) problem = 'has an identity that matches any issuer and subject';
        if (problem === undefined) return;
        const at = identitiesNode ?? view.entries(keyless)[0]?.value ?? keyless;
        context.report({ messageId: 'identities', at: objectSpan(object, at), data: { policy, authority: name, problem }, subject: `${policy} ${name}` });
      });
    }
  },
});

function matchesAll(value: string | undefined): boolean {
  return value === undefined || MATCH_ALL.test(value.trim());
}
