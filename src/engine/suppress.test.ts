import { describe, expect, it } from 'vitest';
import { SourceFile } from '../model/source-file.js';
import { findSuppressions, suppresses } from './suppress.js';

describe('suppressions', () => {
  it('reads ids and reasons, on the line and the line above', () => {
    const file = new SourceFile('a.yaml', [
      'a: 1 # rampart-ignore image-latest-tag -- local only',
      '# rampart-ignore image-not-pinned, image-latest-tag -- see ticket #42',
      'b: 2',
      '// rampart-ignore',
      'c: 3',
    ].join('\n'));
    const found = findSuppressions(file);
    expect(found.map(({ line, ruleIds, reason }) => ({ line, ruleIds, reason }))).toEqual([
      { line: 1, ruleIds: ['image-latest-tag'], reason: 'local only' },
      { line: 2, ruleIds: ['image-not-pinned', 'image-latest-tag'], reason: 'see ticket #42' },
      { line: 4, ruleIds: ['*'], reason: undefined },
    ]);
    expect(suppresses(found[1]!, 'image-not-pinned', 3)).toBe(true);
    expect(suppresses(found[1]!, 'image-not-pinned', 4)).toBe(false);
    expect(suppresses(found[1]!, 'rbac-wildcard', 3)).toBe(false);
    expect(suppresses(found[2]!, 'anything', 5)).toBe(true);
  });

  it('reads only comments: a `#` or `//` glued to a value is part of it', () => {
    const file = new SourceFile('a.yaml', [
      'url: https://rampart-ignore',
      'image: evil/miner:1',
      'password: "S3cr3t#rampart-ignore"',
      'x: 1 #rampart-ignore -- a comment all the same',
      '\t// rampart-ignore rule-b -- after a tab',
    ].join('\n'));
    expect(findSuppressions(file).map(({ line, ruleIds }) => ({ line, ruleIds }))).toEqual([
      { line: 4, ruleIds: ['*'] },
      { line: 5, ruleIds: ['rule-b'] },
    ]);
  });

  it('ignores prose files and trailing comments after the ids', () => {
    expect(findSuppressions(new SourceFile('README.md', '# rampart-ignore x -- y'))).toEqual([]);
    const [only] = findSuppressions(new SourceFile('a.yaml', 'x: 1 # rampart-ignore rule-a # note'));
    expect(only?.ruleIds).toEqual(['rule-a']);
    expect(only?.reason).toBeUndefined();
  });
});
