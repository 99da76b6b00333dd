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

describe('kuttl and Chainsaw assertions', () => {
  const app = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nstatus: {sync: {status: Synced}}\n';
  const objectsAt = (path: string) => parseYamlFile(new SourceFile(path, app)).documents.flatMap(kubeObjectsOf).length;

  it('declares no objects: a test step compares them with the cluster, nothing applies them', () => {
    for (const path of ['test/e2e/suite/001-app/01-assert.yaml', 'suite/02-errors.yaml', 't/03-assert-synced.yaml', 'charts/c/test/replica/03-backup_completed-assert.yaml', 'x/10-cluster-error.yml']) {
      expect(objectsAt(path), path).toBe(0);
    }
  });

  it('leaves the steps that apply objects, and files that only mention assert, alone', () => {
    for (const path of ['suite/001-app/01-install.yaml', 'test/02-data_write.yaml', 'policies/assert.yaml', 'apps/assert-app.yaml', 'k8s/errors-dashboard.yaml']) {
      expect(objectsAt(path), path).toBe(1);
    }
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
