import { describe, expect, it } from 'vitest';
import { mayHoldContainers } from './container-keys.js';
import { containerSites, podSpecSites } from './pod-spec.js';
import { SourceFile } from './source-file.js';
import { parseYamlFile } from './yaml.js';
import { Workspace } from './workspace.js';

function found(text: string, path = 'm.yaml'): { images: string[]; containers: string[]; podSpecs: number } {
  const workspace = Workspace.fromTexts({ [path]: text });
  const objects = workspace.kubeObjects();
  return {
    images: workspace.images().map((image) => image.text),
    containers: objects.flatMap(containerSites).map((site) => site.label),
    podSpecs: objects.flatMap(podSpecSites).length,
  };
}

describe('objects whose text names no container key are not walked for containers', () => {
  it('still finds containers whose key is spelled with an escape, in a document and in an inline patch string', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  "c\\x6fntainers":\n    - {name: app, image: "ghcr.io/acme/web:1"}\n';
    expect(found(pod)).toEqual({ images: ['ghcr.io/acme/web:1'], containers: ['Pod/web container app'], podSpecs: 1 });
    const patch = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n  - patch: "apiVersion: apps/v1\\nkind: Deployment\\nmetadata: {name: web}\\nspec: {template: {spec: {c\\x6fntainers: [{name: app, image: evil/patched:1}]}}}"\n';
    expect(found(patch, 'kustomization.yaml').images).toEqual(['evil/patched:1']);
  });

  it('finds every container key the walks read: Tekton steps and sidecars, Argo Workflows script', () => {
    const text = [
      'apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps: [{name: build, image: "tool/build:1"}]\n  sidecars: [{name: db, image: "tool/db:1"}]',
      'apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: w}\nspec:\n  templates:\n    - name: s\n      script: {image: "tool/script:1", source: echo}',
    ].join('\n---\n');
    expect(found(text).images.sort()).toEqual(['tool/build:1', 'tool/db:1', 'tool/script:1']);
  });

  it('walks the documents that write any key the walks read, each document on its own text', () => {
    const keys = ['containers', 'initContainers', 'ephemeralContainers', 'container', 'steps', 'sidecars', 'script', '"c\\x6fntainers"'];
    const text = [...keys.map((key) => `kind: X\nspec:\n  ${key}: []`), 'kind: Service\nspec: {ports: [{port: 80}]}'].join('\n---\n');
    expect(parseYamlFile(new SourceFile('m.yaml', text)).documents.map(mayHoldContainers)).toEqual([...keys.map(() => true), false]);
  });

  it('none in a document without them', () => {
    expect(found('apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n')).toEqual({ images: [], containers: [], podSpecs: 0 });
  });
});
