import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from './catalogue.js';
import { KeywordAutomaton } from './keyword-automaton.js';
import { KEYWORD_HITS_CHUNK, KEYWORD_HITS_WASM } from './keyword-hits.js';
import { SampleRandom } from './random.js';

const hasWat2wasm = spawnSync('wat2wasm', ['--version']).status === 0;
const source = fileURLToPath(new URL('./keyword-hits.wat', import.meta.url));

/** every (keyword, start) a plain search of the lower-cased text finds, in order of the keyword's end */
function naive(keywords: readonly string[], text: string, from: number, to: number): Array<[number, number]> {
  const lower = text.toLowerCase();
  const found: Array<[number, number, number]> = [];
  keywords.forEach((keyword, index) => {
    for (let at = lower.indexOf(keyword, from); at !== -1 && at < to && at + keyword.length <= to; at = lower.indexOf(keyword, at + 1)) found.push([index, at, at + keyword.length]);
  });
  return found.sort((a, b) => a[2] - b[2] || a[0] - b[0]).map(([index, at]) => [index, at]);
}

function scanned(automaton: KeywordAutomaton, text: string, from: number, to: number): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  automaton.scan(text, (keyword, start) => found.push([keyword, start]), from, to);
  return found.sort((a, b) => a[1] + automaton.keywords[a[0]]!.length - (b[1] + automaton.keywords[b[0]]!.length) || a[0] - b[0]);
}

describe('keyword hits in WebAssembly', () => {
  it.skipIf(!hasWat2wasm)('embeds the module its WAT source compiles to (wat2wasm, Debian wabt)', () => {
    expect(execFileSync('wat2wasm', [source, '--output=-']).toString('base64')).toBe(KEYWORD_HITS_WASM);
  });

  it('finds every keyword a plain search finds, across chunks, in any case, in part of a text', () => {
    const keywords = [...new Set(DETECTORS.flatMap((detector) => detector.keywords.map((keyword) => keyword.toLowerCase())))];
    const automaton = new KeywordAutomaton(keywords);
    const random = new SampleRandom('keyword-hits');
    const pieces = [...keywords.slice(0, 200), ...keywords.slice(0, 50).map((keyword) => keyword.toUpperCase()), ' ', '\n', 'x', 'ab', ': ', '://'];
    let text = '';
    while (text.length < 2 * KEYWORD_HITS_CHUNK + 5000) text += pieces[random.int(pieces.length)];
    for (const [from, to] of [[0, text.length], [17, KEYWORD_HITS_CHUNK + 3], [KEYWORD_HITS_CHUNK - 9, KEYWORD_HITS_CHUNK + 300]] as const) {
      expect(scanned(automaton, text, from, to)).toEqual(naive(keywords, text, from, to));
    }
  });

  it('walks text outside ASCII in JavaScript, at the offsets of the text', () => {
    const automaton = new KeywordAutomaton(['secret', 'token']);
    const text = `${'é'.repeat(300)} secret ${'x'.repeat(300)} TOKEN 🙂 secret`;
    expect(scanned(automaton, text, 0, text.length)).toEqual(naive(['secret', 'token'], text, 0, text.length));
  });
});
