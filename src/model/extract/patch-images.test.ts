import { describe, expect, it } from 'vitest';
import { Workspace } from '../workspace.js';

const DIGEST = 'sha256:4aea012537edfad80f98d870a36e6b90b4c09b27be7f4b4759d72db863baeebb';

function imagesOf(texts: Record<string, string>): Array<{ path: string; text: string; at: string; context: string }> {
  return Workspace.fromTexts(texts).images().map((image) => ({
    path: image.file.path,
    text: image.text,
    at: texts[image.file.path]!.slice(image.span.start, image.span.end),
    context: image.context,
  }));
}

describe('images that kustomize patches write', () => {
  it('reads JSON 6902 operations written inline, in YAML and JSON patch files, and as YAML under a Flux HelmRelease post-renderer', () => {
    const kustomization = [
      'resources: [deploy.yaml]',
      'patches:',
      '  - target: {kind: Deployment}',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/template/spec/containers/0/image',
      '        value: evil/inline:1',
      '      - op: remove',
      '        path: /spec/template/spec/containers/1/image',
      '  - path: ops.json',
      '    target: {kind: Deployment}',
      'patchesJson6902:',
      '  - path: ops.yaml',
      '    target: {kind: Deployment}',
      '',
    ].join('\n');
    const json = '[{"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"x","image":"evil/json:2"}}]\n';
    const yaml = '- op: add\n  path: /spec/template/spec/initContainers/0/image\n  value: "evil/yaml:3"\n- op: replace\n  path: /spec/values/image/tag\n  value: "4"\n';
    const release = [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata: {name: r}',
      'spec:',
      '  postRenderers:',
      '    - kustomize:',
      '        patchesJson6902:',
      '          - target: {kind: Deployment, name: r}',
      '            patch:',
      '              - {op: replace, path: /spec/template/spec/containers/0/image, value: evil/release:5}',
      '',
    ].join('\n');
    const found = imagesOf({ 'kustomization.yaml': kustomization, 'ops.json': json, 'ops.yaml': yaml, 'release.yaml': release });
    expect(found.map(({ path, text, at }) => [path, text, at])).toEqual([
      ['kustomization.yaml', 'evil/inline:1', 'evil/inline:1'],
      ['ops.json', 'evil/json:2', 'evil/json:2'],
      ['ops.yaml', 'evil/yaml:3', 'evil/yaml:3'],
      ['release.yaml', 'evil/release:5', 'evil/release:5'],
    ]);
    expect(found[0]!.context).toBe('kustomization patches[0] replace /spec/template/spec/containers/0/image');
  });

  it('reads strategic merge patches written inline, each document of a string, as the objects they patch', () => {
    const kustomization = [
      'patchesStrategicMerge:',
      '  - |',
      '    apiVersion: apps/v1',
      '    kind: Deployment',
      '    metadata: {name: web}',
      '    spec: {template: {spec: {containers: [{name: web, image: "evil/web:1"}]}}}',
      '    ---',
      '    apiVersion: batch/v1',
      '    kind: CronJob',
      '    metadata: {name: job}',
      '    spec:',
      '      jobTemplate:',
      '        spec:',
      '          template:',
      '            spec:',
      '              initContainers:',
      `                - {name: a, image: "ghcr.io/acme/a@${DIGEST}"}`,
      '                - name: b',
      '                  image: evil/job:2',
      'patches:',
      '  - target: {kind: StatefulSet, name: db}',
      '    patch: |-',
      '      spec:',
      '        template:',
      '          spec:',
      '            containers:',
      '              - {name: db, image: evil/db:3}',
      '',
    ].join('\n');
    const found = imagesOf({ 'overlay/kustomization.yaml': kustomization });
    expect(found.map(({ text, at }) => [text, at])).toEqual([
      ['evil/web:1', 'evil/web:1'],
      [`ghcr.io/acme/a@${DIGEST}`, `ghcr.io/acme/a@${DIGEST}`],
      ['evil/job:2', 'evil/job:2'],
      ['evil/db:3', 'evil/db:3'],
    ]);
    expect(found.map(({ context }) => context)).toEqual([
      'Deployment/web (kustomization patchesStrategicMerge[0]) container web',
      'CronJob/job (kustomization patchesStrategicMerge[0]) init container a',
      'CronJob/job (kustomization patchesStrategicMerge[0]) init container b',
      'StatefulSet/db (kustomization patches[0]) container db',
    ]);
  });

  it('reads Flux Kustomization and Argo CD Application patches; a list that is not a JSON patch is no image', () => {
    const flux = [
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'metadata: {name: apps}',
      'spec:',
      '  patches:',
      '    - target: {kind: Deployment}',
      '      patch: |',
      '        - op: add',
      '          path: /spec/template/spec/containers/-',
      '          value: {name: miner, image: "evil/miner:1"}',
      '---',
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: a}',
      'spec:',
      '  source:',
      '    kustomize:',
      '      patches:',
      '        - patch: |-',
      '            - op: replace',
      '              path: /spec/template/spec/containers/0/image',
      '              value: evil/argo:2',
      '',
    ].join('\n');
    const list = '- name: image\n  image: not/a-patch:1\n- op: add\n  path: relative/image\n  value: not/a-patch:2\n';
    expect(imagesOf({ 'flux.yaml': flux, 'list.yaml': list }).map(({ text, at }) => [text, at])).toEqual([
      ['evil/miner:1', 'evil/miner:1'],
      ['evil/argo:2', 'evil/argo:2'],
    ]);
  });
});
