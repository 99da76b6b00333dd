import { describe, expect, it } from 'vitest';
import { DETECTORS } from './catalogue.js';
import { findSecrets } from './scan-text.js';

const sample = (id: string): string => DETECTORS.find((detector) => detector.id === id)!.samples.positives[0]!.replace(/ # expect:[^\n]*/g, '');
const filler = (lines: number, tag: string): string => Array.from({ length: lines }, (_, line) => `${tag}-${line}: value ${line}`).join('\n');
const ids = (text: string, start: number, end: number): string[] => findSecrets(text, 'values.yaml', DETECTORS, { start, end }).map((match) => match.detector.id);

describe('findSecrets in the changed part of a text', () => {
  it('finds what the whole-text search finds in that part, and leaves distant unchanged parts alone', () => {
    const key = sample('secret-private-key');
    const token = sample('secret-github-token');
    const text = `${filler(400, 'top')}\n${token}\n${filler(400, 'middle')}\nkey: |\n${key.split('\n').map((line) => `  ${line}`).join('\n')}\n${filler(50, 'end')}\n`;
    const all = findSecrets(text, 'values.yaml').map((match) => match.detector.id).sort();
    expect(all).toEqual(['secret-github-token', 'secret-private-key']);
    const tokenAt = text.indexOf(token);
    expect(ids(text, tokenAt, tokenAt + token.length)).toEqual(['secret-github-token']);
    // the last line of a key block changed: its keyword line is further above than most windows reach
    const keyEnd = text.indexOf('-----END', text.indexOf('key: |'));
    expect(keyEnd - text.indexOf('BEGIN', text.indexOf('key: |'))).toBeGreaterThan(800);
    expect(ids(text, keyEnd, keyEnd + 1)).toEqual(['secret-private-key']);
    // a change far from both
    const far = text.indexOf('middle-200');
    expect(ids(text, far, far + 5)).toEqual([]);
  });

  it('reads the keyword on the line before a changed value (name/value pairs)', () => {
    const text = `${filler(300, 'a')}\nenv:\n  - name: DB_PASSWORD\n    value: "q8Lr3vX1zT9mWp2K"\n${filler(300, 'b')}\n`;
    const value = text.indexOf('q8Lr3');
    expect(findSecrets(text, 'values.yaml').length).toBeGreaterThan(0);
    expect(ids(text, value, value + 16).length).toBe(findSecrets(text, 'values.yaml').length);
  });

  it('finds a key block whatever part of it changed: its keyword is never cut where one search region meets the next', () => {
    const key = sample('secret-private-key');
    const text = `${filler(20, 'top')}\nkey: |\n${key.split('\n').map((line) => `  ${line}`).join('\n')}\n${filler(20, 'end')}\n`;
    const begin = text.indexOf('-----BEGIN');
    const end = text.indexOf('-----END');
    const missed: number[] = [];
    for (let changed = begin; changed < end; changed += 1) {
      if (!ids(text, changed, changed + 1).includes('secret-private-key')) missed.push(changed - begin);
    }
    expect(missed).toEqual([]);
  });
});
