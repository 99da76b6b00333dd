import { describe, expect, it } from 'vitest';
import { changedBytes, changedRange } from './first-hits.js';

describe('changedRange', () => {
  it('is null for equal texts and spans what changed otherwise', () => {
    expect(changedRange('abc', 'abc')).toBeNull();
    expect(changedRange('a: 1\nb: 2\n', 'a: 1\nb: 3\n')).toEqual({ start: 8, end: 9 });
    expect(changedRange('aXa', 'aXaXa')).toEqual({ start: 3, end: 5 });
    expect(changedRange('', 'new')).toEqual({ start: 0, end: 3 });
    expect(changedRange('old', '')).toEqual({ start: 0, end: 0 });
  });

  it('finds one changed character in long texts, on either side of a block boundary', () => {
    const before = 'x'.repeat(5000);
    for (const at of [0, 1023, 1024, 1025, 2500, 4999]) {
      const after = `${before.slice(0, at)}y${before.slice(at + 1)}`;
      expect(changedRange(before, after)).toEqual({ start: at, end: at + 1 });
    }
    expect(changedRange(before, `${before}tail`)).toEqual({ start: 5000, end: 5004 });
    expect(changedRange(before, `head${before}`)).toEqual({ start: 0, end: 4 });
  });

  it('finds the same range in the bytes of ASCII texts', () => {
    const before = Array.from({ length: 300 }, (_, line) => `key-${line}: value-${line}`).join('\n');
    const cases = [before, `${before}\nmore: 1`, before.replace('key-150', 'key-15X'), before.slice(0, 2000) + before.slice(2100), `x${before}`, before.replace('key-0', 'KEY-0').replace('key-299', 'KEY-299'), ''];
    for (const after of cases) expect(changedBytes(Buffer.from(before), Buffer.from(after))).toEqual(changedRange(before, after));
  });
});
