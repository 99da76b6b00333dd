import { describe, expect, it } from 'vitest';
import { KeywordAutomaton } from './keyword-automaton.js';

const hits = (keywords: string[], text: string): string[] => {
  const automaton = new KeywordAutomaton(keywords);
  const found: string[] = [];
  automaton.scan(text, (keyword, start) => found.push(`${keywords[keyword]}@${start}`));
  return found;
};

describe('keyword automaton (Aho–Corasick)', () => {
  it('finds every occurrence of every keyword, overlapping ones included', () => {
    expect(hits(['he', 'she', 'his', 'hers'], 'ushers')).toEqual(['she@1', 'he@2', 'hers@2']);
    expect(hits(['aa'], 'aaaa')).toEqual(['aa@0', 'aa@1', 'aa@2']);
  });

  it('ignores ASCII case and passes over non-ASCII text', () => {
    expect(hits(['ghp_', 'token'], 'GHP_x Ümlaut tokeN')).toEqual(['ghp_@0', 'token@13']);
  });

  it('rejects keywords it cannot match', () => {
    expect(() => new KeywordAutomaton(['clé'])).toThrow(/not ASCII/);
  });
});
