import { describe, expect, it } from 'vitest';
import { applySet, mergeValues, SetSyntaxError, subchartValues, type Values } from './values-layers.js';

const set = (name: string, value: string, forceString = false, target: Values = {}): Values => {
  applySet(target, name, value, forceString);
  return target;
};

describe('--set assignments (Helm strvals)', () => {
  it('builds maps and lists from dotted names with indexes, typing values as Helm does', () => {
    expect(set('a.b[1].c', 'x')).toEqual({ a: { b: [null, { c: 'x' }] } });
    expect(set('a[0][1]', '7')).toEqual({ a: [[null, 7]] });
    expect(set('n', '042')).toEqual({ n: '042' });
    expect(set('n', '0')).toEqual({ n: 0 });
    expect(set('n', '-3')).toEqual({ n: -3 });
    expect(set('n', '1.5')).toEqual({ n: '1.5' });
    expect(set('b', 'TRUE')).toEqual({ b: true });
    expect(set('b', 'null')).toEqual({ b: null });
    expect(set('b', 'true', true)).toEqual({ b: 'true' });
    expect(set('list', '{a,b\\,c}')).toEqual({ list: ['a', 'b,c'] });
    expect(set('annotations.example\\.com/x', 'v')).toEqual({ annotations: { 'example.com/x': 'v' } });
    expect(set('image', 'repo:1,2')).toEqual({ image: 'repo:1,2' });
  });

  it('writes into what earlier layers set, keeping list entries it does not touch', () => {
    expect(set('a[0].c', 'new', false, { a: [{ c: 'old', d: 1 }, { c: 'two' }] })).toEqual({ a: [{ c: 'new', d: 1 }, { c: 'two' }] });
    expect(set('a.b', 'x', false, { a: 'scalar' })).toEqual({ a: { b: 'x' } });
  });

  it('keeps __proto__ and constructor as plain keys, never touching any prototype', () => {
    const values = set('__proto__.polluted', 'yes');
    set('constructor.prototype.polluted', 'yes', false, values);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(values))).toEqual(JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'));
    const merged = mergeValues({}, JSON.parse('{"__proto__":{"polluted":"yes"}}') as Values);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  it('rejects names Helm rejects', () => {
    expect(() => set('a..b', 'x')).toThrow(SetSyntaxError);
    expect(() => set('a[x]', 'x')).toThrow(SetSyntaxError);
    expect(() => set('', 'x')).toThrow(SetSyntaxError);
  });
});

describe('values merging', () => {
  it('merges maps key by key; lists, scalars and null replace', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, d: null })).toEqual({ a: { b: 1, c: [3] }, d: null });
  });

  it('gives a subchart the parent values under its key, with the parent globals over its own', () => {
    expect(subchartValues({ cache: { image: 'x', global: { a: 1, b: 1 } }, global: { b: 2 } }, 'cache')).toEqual({ image: 'x', global: { a: 1, b: 2 } });
    expect(subchartValues({ global: { registry: 'r' } }, 'cache')).toEqual({ global: { registry: 'r' } });
    expect(subchartValues({ other: {} }, 'cache')).toBeUndefined();
  });
});
