import { describe, expect, it } from 'vitest';
import { secretObjectKinds } from './secret-object-lines.js';

const kinds = (text: string): string => {
  const found = secretObjectKinds(text);
  return [found.secret ? 'secret' : '', found.sealed ? 'sealed' : ''].filter(Boolean).join('+') || 'none';
};

describe('secretObjectKinds', () => {
  it('finds Secret and SealedSecret objects at a document root, in any document of a stream, indented or not', () => {
    expect(kinds('apiVersion: v1\nkind: Secret\ndata: {a: b}\n')).toBe('secret');
    expect(kinds('kind: "SealedSecret"  # sealed\nspec: {}\n')).toBe('sealed');
    expect(kinds('kind: ConfigMap\n---\n# c\napiVersion: v1\nkind: Secret\n')).toBe('secret');
    expect(kinds('  apiVersion: v1\n  kind: Secret\n')).toBe('secret');
    expect(kinds('kind: Secret\r\napiVersion: v1\r\n')).toBe('secret');
  });

  it('finds the items of a List, wherever they are indented', () => {
    expect(kinds('apiVersion: v1\nitems:\n    - apiVersion: v1\n      kind: Secret\nkind: List\n')).toBe('secret');
    expect(kinds('kind: SecretList\nitems:\n- kind: Secret\n')).toBe('secret');
  });

  it('does not count a kind named inside another object', () => {
    const helmRelease = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  valuesFrom:\n    - kind: Secret\n      name: app\n';
    expect(kinds(helmRelease)).toBe('none');
    expect(kinds('kind: ClusterPolicy\nspec:\n  match:\n    resources:\n      kind: Secret\n')).toBe('none');
    expect(kinds('kind: HelmRelease\nspec:\n  valuesFrom:\n  - kind: Secret\n')).toBe('none');
    expect(kinds('kind: ConfigMap\ndata:\n  a: |\n    kind: Secret\n')).toBe('none');
  });

  it('leaves what lines cannot settle to the parser', () => {
    expect(kinds('{"apiVersion": "v1", "kind": "Secret"}')).toBe('secret+sealed');
    expect(kinds('{apiVersion: v1, kind: Secret}\n')).toBe('secret+sealed');
    expect(kinds('--- {apiVersion: v1,\n kind: Secret}\n')).toBe('secret+sealed');
    expect(kinds('base: &b\n  kind: Secret\nother:\n  <<: *b\n')).toBe('secret+sealed');
    expect(kinds('- kind: Secret\n')).toBe('secret+sealed');
    expect(kinds('!!map\nkind: Secret\n')).toBe('secret+sealed');
  });
});
