import { describe, expect, it } from 'vitest';
import { kubeObjectsOf } from './kubernetes.js';
import { SourceFile } from './source-file.js';
import { valuesReferences } from './values-references.js';
import { parseYamlFile } from './yaml.js';

const definition = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: applications.argoproj.io\nspec:\n  names:\n    kind: Application\n  versions:\n    - name: v1alpha1\n      schema:\n        openAPIV3Schema:\n          properties:\n            valueFiles:\n              type: array\n';
const application = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  source:\n    path: charts/web\n    helm:\n      valueFiles: [prod.yaml]\n';

function referencesAndReads(texts: Record<string, string>): { found: string[]; read: string[] } {
  const files = Object.entries(texts).map(([path, text]) => new SourceFile(path, text));
  const read: string[] = [];
  const found = valuesReferences(files, (file) => {
    read.push(file.path);
    return parseYamlFile(file).documents.flatMap((document) => kubeObjectsOf(document));
  });
  return { found: found.map((reference) => `${reference.path} ${reference.by}`), read };
}

describe('values references', () => {
  it('do not read the objects of a CustomResourceDefinition whose schema names valueFiles', () => {
    const { found, read } = referencesAndReads({ 'crds/application-crd.yaml': definition, 'charts/web/prod.yaml': 'replicas: 2\n' });
    expect(found).toEqual([]);
    expect(read).toEqual([]);
  });

  it('read an Application beside a definition in one stream, and a definition written as JSON', () => {
    const json = `{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "api", "annotations": {"note": "not a CustomResourceDefinition"}}, "spec": {"source": {"path": "charts/api", "helm": {"valueFiles": ["prod.yaml"]}}}}\n`;
    const { found, read } = referencesAndReads({
      'apps/all.yaml': `${definition}---\n${application}`,
      'apps/api.json': json,
      'charts/web/prod.yaml': 'replicas: 2\n',
      'charts/api/prod.yaml': 'replicas: 3\n',
    });
    expect(found).toEqual(['charts/web/prod.yaml Application/web helm.valueFiles', 'charts/api/prod.yaml Application/api helm.valueFiles']);
    expect(read).toEqual(['apps/all.yaml', 'apps/api.json']);
  });
});
