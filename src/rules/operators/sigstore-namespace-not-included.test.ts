import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.js';
import { runRules } from '../../engine/run.js';
import { Workspace } from '../../model/workspace.js';
import rule, { globMatchesImage } from './sigstore-namespace-not-included.js';

const policy = 'apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: {name: acme}\nspec:\n  images: [{glob: "ghcr.io/acme/**"}]\n  authorities: [{key: {kms: "awskms:///alias/cosign"}}]\n';
const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n';
const daemonSet = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: exporter, namespace: monitoring}\nspec:\n  template:\n    spec:\n      containers: [{name: exporter, image: "quay.io/prometheus/node-exporter:v1.8.2"}]\n';
const config = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-policy-controller, namespace: cosign-system}\ndata:\n  no-match-policy: deny\n';

describe('sigstore-namespace-not-included', () => {
  it('reports a namespace of images no policy names only when the no-match-policy judges every image', async () => {
    const without = await runRules(Workspace.fromTexts({ 'policy.yaml': policy, 'ns.yaml': namespace, 'ds.yaml': daemonSet }), DEFAULT_CONFIG, [rule]);
    expect(without.findings).toEqual([]);
    const withConfig = await runRules(Workspace.fromTexts({ 'policy.yaml': policy, 'ns.yaml': namespace, 'ds.yaml': daemonSet, 'config.yaml': config }), DEFAULT_CONFIG, [rule]);
    expect(withConfig.findings.map((finding) => [finding.location.path, finding.location.line, finding.message])).toEqual([
      ['ns.yaml', 4, 'Namespace monitoring runs quay.io/prometheus/node-exporter:v1.8.2 (DaemonSet/exporter), which the no-match-policy (deny) should verify, but has no policy.sigstore.dev/include: "true" label: the policy-controller never checks it.'],
    ]);
  });

  it('matches globs the way the policy-controller does', () => {
    expect(globMatchesImage('ghcr.io/acme/**', 'ghcr.io/acme/team/app:1.0')).toBe(true);
    expect(globMatchesImage('ghcr.io/acme/*', 'ghcr.io/acme/team/app:1.0')).toBe(false);
    expect(globMatchesImage('ghcr.io/acme/*', 'ghcr.io/acme/app:1.0')).toBe(true);
    expect(globMatchesImage('docker.io/acme/*', 'acme/indexer:3')).toBe(true);
    expect(globMatchesImage('index.docker.io/library/nginx', 'nginx:1.27')).toBe(true);
    expect(globMatchesImage('**', 'quay.io/x/y')).toBe(true);
    expect(globMatchesImage('ghcr.io/acme/**', 'ghcr.io/acmecorp/app')).toBe(false);
  });
});
