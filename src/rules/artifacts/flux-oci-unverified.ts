import { describeObject } from '../../model/kubernetes.js';
import { getString } from '../../model/yaml.js';
import { defineRule } from '../rule.js';
import { chartFromOciRepository, isFluxSource, kindSpan, objectsWithEmbedded, treeOciHelmRepositories, verifiableSources } from './flux-sources.js';

export default defineRule({
  id: 'flux-oci-unverified',
  layer: 'artifacts',
  severity: 'medium',
  objectKinds: ['OCIRepository', 'HelmChart', 'HelmRelease', 'ResourceSet'],
  summary: 'A Flux `OCIRepository`, or a chart from an OCI `HelmRepository`, is pulled without `spec.verify`.',
  rationale:
    'Without `spec.verify` the source controller applies whatever artifact the registry serves under the tag. ' +
    'Anyone who can push to the repository (or a compromised registry) changes what runs in the cluster, ' +
    'although the publisher signs its artifacts with cosign or notation.',
  remediation:
    'Add `spec.verify` with `provider: cosign` (and `matchOIDCIdentity` for keyless signatures, or `secretRef` ' +
    'to a Secret with the public keys) or `provider: notation`. For charts from an OCI `HelmRepository`, set ' +
    '`verify` on the `HelmChart` or the `HelmRelease` `spec.chart.spec`.',
  references: [
    'https://fluxcd.io/flux/components/source/ocirepositories/#verification',
    'https://fluxcd.io/flux/components/source/helmcharts/#verification',
  ],
  messages: {
    ociRepository: '{object} pulls {url} without `spec.verify`: artifact signatures are not checked.',
    ociChart: '{object} takes its chart from the OCI HelmRepository {repository} without `verify`: chart signatures are not checked.',
  },
  examples: {
    bad: [{
      file: 'source.yaml',
      code: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository # expect: flux-oci-unverified\nmetadata:\n  name: podinfo\nspec:\n  url: oci://ghcr.io/stefanprodan/manifests/podinfo\n  ref:\n    tag: 6.7.0\n',
    }],
    good: [{
      file: 'source.yaml',
      code: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: podinfo\nspec:\n  url: oci://ghcr.io/stefanprodan/manifests/podinfo\n  ref:\n    tag: 6.7.0\n  verify:\n    provider: cosign\n    matchOIDCIdentity:\n      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$\n        subject: ^https://github\\.com/stefanprodan/podinfo.*$\n',
    }],
  },
  check(context) {
    const objects = objectsWithEmbedded(context.workspace);
    const ociRepositories = treeOciHelmRepositories(context.workspace);
    for (const source of verifiableSources(objects)) {
      if (source.verify) continue;
      const at = kindSpan(source.owner);
      if (!at) continue;
      const object = describeObject(source.owner);
      if (isFluxSource(source.owner, 'OCIRepository')) {
        const url = getString(source.holder, 'url') ?? '(no url)';
        context.report({ messageId: 'ociRepository', at, data: { object, url }, subject: object });
        continue;
      }
      if (!chartFromOciRepository(source, ociRepositories)) continue;
      const repository = getString(source.holder, 'sourceRef', 'name') ?? '';
      context.report({ messageId: 'ociChart', at, data: { object, repository }, subject: object });
    }
  },
});
