import { describeObject } from '../../model/kubernetes.js';
import { getNode, getPair, seqItems, spanOf } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { objectsWithEmbedded, verifiableSources, verifyProvider } from './flux-sources.js';

export default defineRule({
  id: 'flux-verify-no-identity',
  layer: 'artifacts',
  severity: 'high',
  objectKinds: ['OCIRepository', 'HelmChart', 'HelmRelease', 'ResourceSet'],
  summary: 'A keyless cosign `spec.verify` without `matchOIDCIdentity`: any Sigstore signer passes.',
  rationale:
    'With `provider: cosign` and no `secretRef`, Flux verifies keyless signatures against the public Sigstore ' +
    'instance. Without `matchOIDCIdentity` it accepts a signature from any identity Fulcio ever certified, so an ' +
    'attacker who pushes an artifact signed with their own GitHub account passes verification.',
  remediation:
    'Add `matchOIDCIdentity` with the `issuer` and `subject` regular expressions of the publisher, e.g. the ' +
    'release workflow of the project (`^https://github\\.com/org/repo/\\.github/workflows/release\\.yml@refs/tags/.*$`), ' +
    'or use `secretRef` with the publisher\'s public keys.',
  references: [
    'https://fluxcd.io/flux/components/source/ocirepositories/#keyless-verification',
    'https://docs.sigstore.dev/cosign/verifying/verify/#keyless-verification-using-openid-connect',
  ],
  messages: {
    noIdentity: '{object} verifies keyless cosign signatures without `matchOIDCIdentity`: a signature by any identity is accepted.',
  },
  examples: {
    bad: [{
      file: 'source.yaml',
      code: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: kyverno\nspec:\n  url: oci://ghcr.io/kyverno/manifests/kyverno\n  verify: # expect: flux-verify-no-identity\n    provider: cosign\n',
    }],
    good: [{
      file: 'source.yaml',
      code: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app\nspec:\n  url: oci://registry.example.com/app\n  verify:\n    provider: cosign\n    secretRef:\n      name: cosign-pub\n',
    }],
  },
  check(context) {
    for (const source of verifiableSources(objectsWithEmbedded(context.workspace))) {
      const { verify, holder } = source;
      if (!verify || verifyProvider(verify) !== 'cosign') continue;
      if (getNode(verify, 'secretRef') !== undefined) continue;
      if (seqItems(getNode(verify, 'matchOIDCIdentity')).length > 0) continue;
      const key = getPair(holder, 'verify')?.key;
      const at = spanOf(source.owner.source.file, key as Parameters<typeof spanOf>[1]);
      if (!at) continue;
      const object = describeObject(source.owner);
      context.report({ messageId: 'noIdentity', at, data: { object }, subject: object });
    }
  },
});
