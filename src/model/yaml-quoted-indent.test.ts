import { Parser } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parserWithoutTokenLog } from './yaml-quoted-indent.js';

describe('parserWithoutTokenLog', () => {
  const texts = [
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # comment\ndata:\n  key: |\n    one\n    two\n',
    '---\na: [1, {b: c}, "d"]\n...\n%YAML 1.2\n---\n- &x one\n- *x\n- ? complex\n  : key\n',
    "a: 'unclosed\nb: c\n---\n{ broken: [\n",
    '\ta: tab\n  - odd: indent\n: : :\n@reserved\n',
    'k: >-\n  folded\n\n  text\nlist:\n- - nested\n  - seq\n',
  ];

  it('gives the same tokens as the library parser, errors included', () => {
    for (const text of texts) {
      expect([...parserWithoutTokenLog().parse(text)]).toEqual([...new Parser().parse(text)]);
    }
  });

  it('does not read the environment once per token', () => {
    let reads = 0;
    const env = process.env;
    const counting = new Proxy(env, { get: (target, key) => { if (key === 'LOG_TOKENS') reads += 1; return Reflect.get(target, key); } });
    Object.defineProperty(process, 'env', { value: counting, configurable: true, writable: true });
    try {
      for (const _token of parserWithoutTokenLog().parse(texts[0]!)) void _token;
    } finally {
      Object.defineProperty(process, 'env', { value: env, configurable: true, writable: true });
    }
    expect(reads).toBe(0);
  });
});
