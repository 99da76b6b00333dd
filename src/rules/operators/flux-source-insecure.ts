import { withEmbeddedObjects } from '../../model/embedded-objects.js';
import { apiGroup } from '../../model/kubernetes.js';
import { ResolvedYaml, isBooleanTrue } from '../../model/yaml-resolved.js';
import { defineRule } from '../rule.js';
import { isClusterLocal, isPlainHttp, redactUrl } from './plain-urls.js';
import { objectSpan } from './spans.js';

const SOURCE_GROUPS = new Set(['source.toolkit.fluxcd.io', 'image.toolkit.fluxcd.io']);
const SOURCE_KINDS = new Set(['GitRepository', 'HelmRepository', 'OCIRepository', 'Bucket', 'ImageRepository', 'ExternalArtifact']);

export default defineRule({
  id: 'flux-source-insecure',
  layer: 'operators',
  severity: 'high',
  objectKinds: ['GitRepository', 'HelmRepository', 'OCIRepository', 'Bucket', 'ImageRepository', 'ExternalArtifact'],
  summary: 'A Flux source (`GitRepository`, `HelmRepository`, `OCIRepository`, `Bucket`, `ImageRepository`) uses `insecure: true` or an `http://` URL.',
  rationale:
    'Flux applies whatever its sources serve. Over plain HTTP (an `http://` URL, or `insecure: true`, which lets Flux talk ' +
    'to registries and buckets without TLS), anyone on the network path can serve other manifests, charts or images and ' +
    'read the credentials Flux sends: the cluster then runs what they chose.',
  remediation:
    'Use `https://`, `ssh://` or `oci://` with TLS and drop `insecure`. For a private CA, reference it with ' +
    '`spec.certSecretRef` instead of turning verification off.',
  references: [
    'https://fluxcd.io/flux/components/source/helmrepositories/#insecure',
    'https://fluxcd.io/flux/components/source/ocirepositories/#insecure',
    'https://fluxcd.io/flux/components/source/buckets/#insecure',
    'https://fluxcd.io/flux/security/',
  ],
  messages: {
    insecure: '{source} sets insecure: true: it fetches without TLS{where}.',
    http: '{source} fetches over plain HTTP ({url}){where}.',
  },
  examples: {
    bad: [{ file: 'source.yaml', code: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts, namespace: flux-system}\nspec:\n  interval: 1h\n  url: http://charts.example.com # expect: flux-source-insecure\n' }],
    good: [{ file: 'source.yaml', code: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts, namespace: flux-system}\nspec:\n  interval: 1h\n  url: https://charts.example.com\n  insecure: false\n' }],
  },
  check(context) {
    for (const object of withEmbeddedObjects(context.workspace.kubeObjects())) {
      if (!SOURCE_KINDS.has(object.kind) || !SOURCE_GROUPS.has(apiGroup(object))) continue;
      const view = new ResolvedYaml(object.source.document);
      const spec = view.get(object.node, 'spec');
      const source = `${object.kind}/${object.name ?? '(unnamed)'}`;
      const address = view.string(spec, 'url') ?? view.string(spec, 'image') ?? view.string(spec, 'endpoint') ?? '';
      const local = address !== '' && isClusterLocal(/^[a-z]+:\/\//i.test(address) ? address.replace(/^[a-z]+:\/\//i, 'http://') : `http://${address}`);
      const where = address ? ` from ${redactUrl(address)}${local ? ', inside the cluster' : ''}` : '';
      const severity = local ? { severity: 'medium' as const } : {};
      for (const value of view.all(spec, 'insecure').filter(isBooleanTrue)) {
        context.report({ messageId: 'insecure', at: objectSpan(object, value), data: { source, where }, subject: `${source} insecure`, ...severity });
      }
      const urlNode = view.get(spec, 'url');
      const url = view.string(urlNode);
      if (url !== undefined && isPlainHttp(url)) {
        context.report({ messageId: 'http', at: objectSpan(object, urlNode), data: { source, url: redactUrl(url), where: local ? ', inside the cluster' : '' }, subject: `${source} url`, snippet: `url: ${redactUrl(url)}`, ...severity });
      }
    }
  },
});
