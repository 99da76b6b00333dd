import { describe, expect, it } from 'vitest';
import { isMap, parseDocument, type Node } from 'yaml';
import { getNode, stringValue } from '../yaml.js';
import { parameterPath, valuesWithParameters } from './helm-parameters.js';

describe('Argo CD helm.parameters laid over values', () => {
  it('reads names as Helm --set paths: escaped dots stay in the key, list indexes are dropped', () => {
    expect(parameterPath('image.tag')).toEqual(['image', 'tag']);
    expect(parameterPath('podAnnotations.prometheus\\.io/scrape')).toEqual(['podAnnotations', 'prometheus.io/scrape']);
    expect(parameterPath('sidecars[0].image')).toEqual(['sidecars', 'image']);
    expect(parameterPath('a..b')).toEqual([]);
  });

  it('overrides the values key by key, keeps what it does not touch as written, and never edits the written nodes', () => {
    const document = parseDocument('values:\n  image: {repository: ghcr.io/acme/web, tag: "1.0"}\n  keep: {image: redis:7}\nparameters:\n  - {name: image.tag, value: latest}\n  - {name: extra.image, value: nginx:1}\n');
    const values = getNode(document.contents, 'values') as Node;
    const before = String(document);
    const merged = valuesWithParameters(getNode(document.contents, 'parameters'), [values]);
    expect(merged).toBeDefined();
    const image = getNode(merged!.values, 'image');
    expect(stringValue(getNode(image, 'repository'))).toBe('ghcr.io/acme/web');
    expect(stringValue(getNode(image, 'tag'))).toBe('latest');
    expect(isMap(image) && merged!.assembled.has(image)).toBe(true);
    const keep = getNode(merged!.values, 'keep');
    expect(keep).toBe(getNode(values, 'keep'));
    expect(stringValue(getNode(getNode(merged!.values, 'extra'), 'image'))).toBe('nginx:1');
    expect(String(document)).toBe(before);
  });

  it('gives nothing without parameters', () => {
    const document = parseDocument('parameters: []\n');
    expect(valuesWithParameters(getNode(document.contents, 'parameters'), [])).toBeUndefined();
  });
});
