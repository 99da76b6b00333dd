import { defineRule } from '../rule.js';
import { installedCharts } from './cluster-charts.js';
import { sourceUses } from './source-uses.js';

/** Flux sources have their own rule (`flux-source-insecure`), which also reads `spec.insecure`. */
const FLUX_SOURCE_KINDS = new Set(['GitRepository', 'HelmRepository', 'OCIRepository', 'Bucket']);

/** `http://`, `git://` (also behind a go-getter forcing prefix such as `git::http://`): nothing authenticates the server or the bytes. */
const PLAIN_TRANSPORT = /^(?:[a-z0-9]+::)?(http|git):\/\/([^/?#]*)/i;

/** Addresses that never leave the cluster or the machine: the path is the cluster network, not the internet. */
const IN_CLUSTER_HOST = /(^|\.)(svc|svc\.cluster\.local|cluster\.local|localhost)$|^127\.|^\[?::1\]?$/i;

export default defineRule({
  id: 'dependency-insecure-transport',
  layer: 'dependencies',
  severity: 'high',
  summary: 'A chart repository, Git repository, remote base or module is fetched over plain `http://` or `git://` (or with TLS checks turned off).',
  rationale:
    'Argo CD, Kustomize, Helm and Terraform fetch these sources on every build. Over `http://` or the `git://` ' +
    'protocol nothing authenticates the server or protects the bytes: anyone on the network path (a compromised ' +
    'proxy, a rogue access point, DNS spoofing) can serve a different chart, base or module, and the cluster applies ' +
    'it. Helm charts and Terraform modules have no content pin that would notice. Sources on in-cluster service ' +
    'addresses (`*.svc`, `*.cluster.local`) or loopback are reported at low severity: the path is the cluster network. ' +
    'A k3s/RKE2 `HelmChart` with `insecureSkipTLSVerify` or `plainHTTP`, or a Crossplane provider-helm `Release` with ' +
    '`insecureSkipTLSVerify`, fetches its chart the same way whatever its URL says.',
  remediation:
    'Use `https://` (or `oci://` for charts, `ssh`/`https` for Git) with a certificate the fetching tool verifies. ' +
    'For an in-cluster chart server, serve it over TLS or pin charts by digest from an OCI registry.',
  references: [
    'https://argo-cd.readthedocs.io/en/stable/user-guide/private-repositories/',
    'https://helm.sh/docs/topics/chart_repository/',
    'https://git-scm.com/book/en/v2/Git-on-the-Server-The-Protocols',
  ],
  messages: {
    plain: '{where} fetches {url} over {scheme}://: anyone on the network path can replace what it serves.',
    inCluster: '{where} fetches {url} over {scheme}:// from an in-cluster address: the bytes cross the cluster network unauthenticated.',
    skipVerify: '{where} sets {key}: true: {controller} fetches chart {url} without checking the server, so anyone on the network path can replace it.',
  },
  examples: {
    bad: [{ file: 'kustomization.yaml', code: 'helmCharts:\n  - name: ingress-nginx\n    repo: http://charts.example.com/stable # expect: dependency-insecure-transport\n    version: 4.11.3\n' }],
    good: [{ file: 'kustomization.yaml', code: 'helmCharts:\n  - name: ingress-nginx\n    repo: https://kubernetes.github.io/ingress-nginx\n    version: 4.11.3\n' }],
  },
  check(context) {
    for (const use of sourceUses(context.workspace)) {
      if (use.kind !== undefined && FLUX_SOURCE_KINDS.has(use.kind)) continue;
      const plain = PLAIN_TRANSPORT.exec(use.url.trim());
      if (!plain) continue;
      const scheme = plain[1]!.toLowerCase();
      const host = plain[2]!.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
      const inCluster = IN_CLUSTER_HOST.test(host);
      context.report({
        messageId: inCluster ? 'inCluster' : 'plain',
        at: use.span,
        data: { where: use.where, url: use.url, scheme },
        subject: `${use.where}\0${use.url}`,
        ...(inCluster ? { severity: 'low' as const } : {}),
        properties: { source: use.location },
      });
    }
    for (const chart of installedCharts(context.workspace)) {
      if (!chart.insecure) continue;
      context.report({
        messageId: 'skipVerify',
        at: chart.insecure.span,
        data: { where: chart.where, key: chart.insecure.key, controller: chart.controller, url: chart.remote.value },
        subject: `${chart.where}\0${chart.insecure.key}`,
      });
    }
  },
});
