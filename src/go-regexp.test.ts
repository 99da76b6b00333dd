import { describe, expect, it } from 'vitest';
import { goRegExp } from './go-regexp.js';

function compiled(source: string, options: { whole?: boolean } = {}): RegExp {
  const result = goRegExp(source, options);
  if ('error' in result) throw new Error(result.error);
  return result.regex;
}

describe('goRegExp', () => {
  it('a leading (?i) matches either case (the common gitleaks and cosign form)', () => {
    const regex = compiled('(?i)^https://github\\.com/acme/');
    expect(regex.test('https://GitHub.com/ACME/api')).toBe(true);
    expect(compiled('(?is)a.b').test('A\nB')).toBe(true);
  });

  it('writes counted repeats beyond the engine\'s 16 out, with the same meaning', () => {
    const sha = compiled('^main-[a-f0-9]{40}-(?P<ts>[0-9]+)$');
    expect(sha.test(`main-${'a'.repeat(40)}-1700000000`)).toBe(true);
    expect(sha.test(`main-${'a'.repeat(39)}-1700000000`)).toBe(false);
    const owner = compiled('^https://github\\.com/[a-z0-9-]{1,39}/', { whole: false });
    expect(owner.test(`https://github.com/${'a'.repeat(39)}/x`)).toBe(true);
    expect(owner.test(`https://github.com/${'a'.repeat(40)}/x`)).toBe(false);
    expect(owner.test('https://github.com//x')).toBe(false);
    const atLeast = compiled('(?:ab){20,}', { whole: true });
    expect(atLeast.test('ab'.repeat(19))).toBe(false);
    expect(atLeast.test('ab'.repeat(25))).toBe(true);
    const nested = compiled('(?:a{10}){10}', { whole: true });
    expect(nested.test('a'.repeat(100))).toBe(true);
    expect(nested.test('a'.repeat(99))).toBe(false);
    const lazy = compiled('x\\d{2,20}?y', { whole: true });
    expect(lazy.test('x123y')).toBe(true);
  });

  it('keeps Go meanings JavaScript reads differently: a leading ] in a class, POSIX classes, \\A and \\z, a literal {', () => {
    expect(compiled('[]a]+', { whole: true }).test(']a]')).toBe(true);
    expect(compiled('[[:alpha:]_]{3}', { whole: true }).test('a_Z')).toBe(true);
    expect(compiled('[[:alpha:]_]{3}', { whole: true }).test('a1Z')).toBe(false);
    expect(compiled('\\Av1\\z').test('v1')).toBe(true);
    expect(compiled('\\Av1\\z').test('xv1')).toBe(false);
    expect(compiled('a{x}', { whole: true }).test('a{x}')).toBe(true);
  });

  it('says what to write instead when a pattern cannot run in linear time', () => {
    expect(goRegExp('[a-z]{1,100000}')).toEqual({ error: expect.stringMatching(/too large.*write \+ or \* instead/) });
    expect(goRegExp('a(?i)b')).toEqual({ error: expect.stringMatching(/only read at the start.*put \(\?i\) first/) });
    expect(goRegExp('(?U)a+')).toEqual({ error: expect.stringMatching(/ungreedy/) });
    expect(goRegExp('a(?=b)')).toEqual({ error: expect.stringMatching(/lookaround/) });
    expect(goRegExp('a{3,2}')).toEqual({ error: expect.stringMatching(/maximum below its minimum/) });
    expect(goRegExp('(a')).toEqual({ error: expect.stringMatching(/^invalid regular expression: /) });
  });

  it('stays linear where backtracking explodes', () => {
    const regex = compiled('(a|a)*b');
    const started = performance.now();
    expect(regex.test('a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('goRegExp (?i)', () => {
  it('matches letters of either case in literals and classes, nothing more', () => {
    const regex = compiled('(?i)^[a-c]x[^q]\\x41[\\x61-\\x62]{2}$');
    expect(regex.flags).not.toContain('i');
    expect(regex.test('BXzaAb')).toBe(true);
    expect(regex.test('bxQaab')).toBe(false);
    expect(regex.test('dxzaab')).toBe(false);
    expect(regex.test('bxzAAc')).toBe(false);
  });
});
