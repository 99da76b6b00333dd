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

  it('finds what a plain search finds, for keywords that share prefixes and suffixes', () => {
    const keywords = ['token', 'ken', 'tok', 'api_key', 'key', 'apikey', 'pi_k', 'secret', 'cret', 'sec', 'ghp_', 'hp_', 'p_'];
    const text = 'my api_key=apikey TOKEN secret_ghp_x tokenizer sec cret Key';
    const naive: string[] = [];
    for (let end = 1; end <= text.length; end += 1) {
      // by end, the longer keyword first, as the automaton reports them
      for (const keyword of [...keywords].sort((a, b) => b.length - a.length)) {
        const start = end - keyword.length;
        if (start >= 0 && text.slice(start, end).toLowerCase() === keyword) naive.push(`${keyword}@${start}`);
      }
    }
    expect(hits(keywords, text)).toEqual(naive);
  });
});
