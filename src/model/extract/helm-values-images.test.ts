import { describe, expect, it } from 'vitest';
import { Workspace } from '../workspace.js';

function images(values: string, extra: Record<string, string> = {}) {
  return Workspace.fromTexts({ 'chart/values.yaml': values, ...extra }).images().map((image) => ({
    text: image.text,
    at: image.file.text.slice(image.span.start, image.span.end),
    ...(image.tagImplicit ? { implicit: true } : {}),
  }));
}

describe('Helm values images', () => {
  it('reads `version` as the tag of an image block, and leaves URLs alone (chart repositories, pictures)', () => {
    expect(images([
      'webhook:',
      '  image: {name: ghcr.io/acme/webhook, version: 2.1.0}',
      'chartSource: {repository: "https://charts.example.com", tag: v1}',
      'ociSource: {repository: "oci://ghcr.io/acme/charts", tag: v1}',
      'ui:',
      '  logoImage: https://acme.example.com/logo.png',
      'chart: {name: podinfo, version: 6.5.0}',
    ].join('\n'))).toEqual([{ text: 'ghcr.io/acme/webhook:2.1.0', at: 'ghcr.io/acme/webhook' }]);
  });

  it('assembles blocks from registry, repository, tag and digest at any depth, keeping numeric tags as written', () => {
    expect(images([
      'image: {registry: quay.io, repository: org/app, tag: 1.10}',
      'deep:',
      '  nested:',
      '    sidecarImage:',
      '      repository: ghcr.io/org/sidecar',
      '      tag: "2.0"',
      '      digest: sha256:' + 'a'.repeat(64),
      'controller:',
      '  repository: kubespheredev',
      '  image: kubefed',
      '  tag: v0.8.1',
      'list:',
      '  - image: busybox:1.36',
    ].join('\n'))).toEqual([
      { text: 'quay.io/org/app:1.10', at: 'org/app' },
      { text: `ghcr.io/org/sidecar:2.0@sha256:${'a'.repeat(64)}`, at: 'ghcr.io/org/sidecar' },
      { text: 'kubespheredev/kubefed:v0.8.1', at: 'kubespheredev' },
      { text: 'busybox:1.36', at: 'busybox:1.36' },
    ]);
  });

  it("uses the chart's appVersion for an empty tag, and marks a block without any tag as implicit", () => {
    expect(images('image:\n  repository: org/app\n  tag: ""\nother:\n  image:\n    repository: org/other\n', {
      'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\nappVersion: "3.2.1"\n',
    })).toEqual([
      { text: 'org/app:3.2.1', at: 'org/app', implicit: true },
      { text: 'org/other:3.2.1', at: 'org/other', implicit: true },
    ]);
    expect(images('image:\n  repository: org/app\n')).toEqual([{ text: 'org/app', at: 'org/app', implicit: true }]);
  });

  it("never gives a dependency's values (under its name or alias) the parent chart's appVersion", () => {
    const chart = [
      'apiVersion: v2', 'name: argo-cd', 'version: 9.0.0', 'appVersion: v3.4.4',
      'dependencies:', '  - name: redis-ha', '    version: 4.33.0', '    repository: https://dandydeveloper.github.io/charts/',
      '  - name: common', '    alias: shared', '    version: 1.0.0', '    repository: https://charts.example.com',
    ].join('\n');
    const found = images('global:\n  image:\n    repository: quay.io/argoproj/argocd\nredis-ha:\n  haproxy:\n    image:\n      repository: haproxy\nshared:\n  image:\n    repository: org/common\n', { 'chart/Chart.yaml': chart });
    expect(found.map((image) => image.text)).toEqual(['quay.io/argoproj/argocd:v3.4.4', 'haproxy', 'org/common']);
  });

  it('joins an image key with its tag or version sibling (`*_image` + `*_version`, `image` + `imageTag`)', () => {
    expect(images([
      'controller_image: ghcr.io/acme/controller',
      'controller_version: 1.4.2',
      'master:',
      '  image: jenkins/jenkins',
      '  imageTag: "2.440"',
      'agentImage: registry.local:5000/acme/agent',
      'agentTag: v3',
      'PROXY_IMAGE: quay.io/acme/proxy',
      'PROXY_VERSION: 0.10',
      'pinned_image: ghcr.io/acme/pinned:1.0',
      'pinned_version: 2.0',
      'lone_image: ghcr.io/acme/lone',
    ].join('\n'))).toEqual([
      { text: 'ghcr.io/acme/controller:1.4.2', at: 'ghcr.io/acme/controller' },
      { text: 'jenkins/jenkins:2.440', at: 'jenkins/jenkins' },
      { text: 'registry.local:5000/acme/agent:v3', at: 'registry.local:5000/acme/agent' },
      { text: 'quay.io/acme/proxy:0.10', at: 'quay.io/acme/proxy' },
      { text: 'ghcr.io/acme/pinned:1.0', at: 'ghcr.io/acme/pinned:1.0' },
      { text: 'ghcr.io/acme/lone', at: 'ghcr.io/acme/lone' },
    ]);
  });

  it('puts a sibling `registry` before an `image` name (the Azure Marketplace `{registry, image, tag}` layout)', () => {
    expect(images([
      'global:',
      '  azure:',
      '    images:',
      '      hub: {image: traefik-hub, tag: v3.1, registry: ghcr.io/traefik}',
      '      proxy: {image: traefik, tag: latest, registry: docker.io/library/}',
      '      mirrored: {image: quay.io/acme/app, tag: v1, registry: ghcr.io/acme}',
      '      local: {image: app, registry: "localhost:5000"}',
      '      templated: {image: app, tag: v1, registry: "{{ .Values.registry }}"}',
    ].join('\n'))).toEqual([
      { text: 'ghcr.io/traefik/traefik-hub:v3.1', at: 'traefik-hub' },
      { text: 'docker.io/library/traefik:latest', at: 'traefik' },
      { text: 'quay.io/acme/app:v1', at: 'quay.io/acme/app' },
      { text: 'localhost:5000/app', at: 'app' },
      { text: 'app:v1', at: 'app' },
    ]);
  });

  it('leaves a value that repeats its own key alone (a field mapping such as Vector\'s `container_image: container_image`)', () => {
    expect(images('sources:\n  k8s:\n    pod_annotation_fields:\n      container_image: "container_image"\n      image: image\n')).toEqual([]);
  });

  it('leaves flags, templates and non-strings alone', () => {
    expect(images('image: true\npullImage: "{{ .Values.x }}"\nimage2: 3\nsomething:\n  image: ""\n')).toEqual([]);
  });
});
