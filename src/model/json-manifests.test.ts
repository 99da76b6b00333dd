import { describe, expect, it } from 'vitest';
import { describeObject } from './kubernetes.js';
import { Workspace } from './workspace.js';

const POD_JSON = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/web:1.2' }] },
}, null, '\t');

describe('JSON manifests', () => {
  it('are read like YAML: objects, and images at their exact place', () => {
    const workspace = Workspace.fromTexts({ 'apps/web/pod.json': POD_JSON });
    expect(workspace.kubeObjects().map(describeObject)).toEqual(['Pod/web']);
    const [image] = workspace.images();
    expect(image?.text).toBe('ghcr.io/acme/web:1.2');
    expect(POD_JSON.slice(image!.span.start, image!.span.end)).toBe('ghcr.io/acme/web:1.2');
  });

  it('leave other JSON alone, and chart templates to the chart', () => {
    const workspace = Workspace.fromTexts({
      'package.json': '{"name": "x", "kind": "module", "dependencies": {}}',
      'dashboards/api.json': '{"panels": [{"kind": "graph"}]}',
      'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n',
      'chart/templates/pod.json': '{"apiVersion": "v1", "kind": "Pod", "spec": {{ toJson .Values.spec }}}',
    });
    expect(workspace.yamlDocuments().map((document) => document.file.path)).toEqual(['chart/Chart.yaml']);
    expect(workspace.diagnostics).toEqual([]);
  });

  it('say "invalid JSON" where one cannot be read', () => {
    const workspace = Workspace.fromTexts({ 'broken.json': '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"' });
    workspace.yamlDocuments();
    expect(workspace.diagnostics).toEqual([expect.objectContaining({ path: 'broken.json', kind: 'incomplete', message: expect.stringMatching(/^invalid JSON: /) })]);
  });
});

describe('JSON Secrets', () => {
  it('in the tree: values in clear are k8s-secret-plaintext', async () => {
    const { secretManifests } = await import('../secrets/kubernetes-secret.js');
    const secret = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'Qm7vXr2LpZ9tKw4N' } }, null, 2);
    const manifests = secretManifests(Workspace.fromTexts({ 'db-secret.json': secret }));
    expect(manifests.map((manifest) => manifest.values.map((value) => value.key))).toEqual([['password']]);
  });

  it('in history: values in clear are k8s-secret-plaintext', async () => {
    const { secretMatches } = await import('../secrets/history/version-secrets.js');
    const secret = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'Qm7vXr2LpZ9tKw4N' } }, null, 2);
    expect(secretMatches(secret, 'db-secret.json').map((match) => match.detector.id)).toEqual(['k8s-secret-plaintext']);
  });
});
