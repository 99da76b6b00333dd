import { describe, expect, it } from 'vitest';
import { describeObject, isKubernetesApiVersion, kubeObjectsOf } from './kubernetes.js';
import { SourceFile } from './source-file.js';
import { parseYamlFile } from './yaml.js';

const objects = (text: string) => parseYamlFile(new SourceFile('m.yaml', text)).documents.flatMap(kubeObjectsOf);

describe('describeObject', () => {
  it('names objects by kind and name, generateName prefixes with *, and says when there is neither', () => {
    const described = objects([
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}',
      'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: nightly-}',
      'apiVersion: v1\nkind: Pod\nmetadata: {}',
    ].join('\n---\n')).map(describeObject);
    expect(described).toEqual(['ConfigMap/settings', 'Workflow/nightly-*', 'Pod/(unnamed)']);
  });

  it('reads the items of a List', () => {
    const listed = objects('apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Service, metadata: {name: a}}\n  - {apiVersion: v1, kind: Service, metadata: {name: b}}\n');
    expect(listed.map(describeObject)).toEqual(['Service/a', 'Service/b']);
  });
});

describe('isKubernetesApiVersion', () => {
  it('is the core group, a built-in group or a group with a dot; not another tool\'s apiVersion', () => {
    const kinds = (text: string) => objects(text).map(isKubernetesApiVersion);
    expect(kinds('apiVersion: v1\nkind: ConfigMap')).toEqual([true]);
    expect(kinds('apiVersion: apps/v1\nkind: Deployment')).toEqual([true]);
    expect(kinds('apiVersion: batch/v1\nkind: Job')).toEqual([true]);
    expect(kinds('apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization')).toEqual([true]);
    expect(kinds('apiVersion: release-notes/v2\nkind: bug-fix')).toEqual([false]);
  });
});
