import { describe, expect, it } from 'vitest';
import { declaresSecret } from './kubernetes-secret.js';

describe('declaresSecret', () => {
  it('finds kind: Secret or SealedSecret on a line of its own, in YAML and JSON', () => {
    for (const text of ['kind: Secret', 'apiVersion: v1\nkind: Secret\n', '  - kind: "SealedSecret" # sealed', '{"apiVersion": "v1", "kind": "Secret"}', "kind: 'Secret'\r\n", 'a: 1\rkind: Secret\r', 'x\u2028kind: SealedSecret']) {
      expect(declaresSecret(text), JSON.stringify(text)).toBe(true);
    }
  });

  it('passes over other kinds and Secret named elsewhere on a line', () => {
    for (const text of ['kind: ExternalSecret', 'kind: Secrets', 'valuesFrom: [{kind: Secret, name: x}]', 'name: Secret\nkind: ConfigMap', '# kind: Secret is not this file', 'kind: Secret-ish', 'kind: Secret # c\u2028more: kind: ConfigMap'.replace('kind: Secret # c', 'x: kind: Secret')]) {
      expect(declaresSecret(text), JSON.stringify(text)).toBe(false);
    }
  });

  it('reads a line that names Secret twice once, and a line far into a long text', () => {
    expect(declaresSecret(`${'a: Secret Secret\n'.repeat(1000)}kind: Secret\n`)).toBe(true);
    expect(declaresSecret('a: Secret Secret\n'.repeat(1000))).toBe(false);
  });
});
