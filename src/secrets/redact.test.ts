import { describe, expect, it } from 'vitest';
import { Redactions } from './redact.js';

/** The snippet as it was made before: the whole line redacted, then cut. */
function wholeLineSnippet(redactions: Redactions, text: string, max: number): string {
  const line = redactions.slice(text, 0, text.length);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

describe('Redactions.snippet', () => {
  it('is the whole redacted line cut at max, for secrets before, across and after every cut', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      let state = seed;
      const next = (bound: number): number => {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        return state % bound;
      };
      const ranges = [];
      let text = '';
      while (text.length < 200 + next(600)) {
        if (next(3) === 0) {
          const secret = 'S'.repeat(1 + next(80));
          ranges.push({ start: text.length, end: text.length + secret.length, secret });
          text += secret;
        } else {
          text += next(2) === 0 ? ' k: ' : 'x'.repeat(1 + next(40));
        }
      }
      const redactions = new Redactions(ranges);
      for (const max of [1, 10, 60, 240]) expect(redactions.snippet(text, 0, text.length, max), `seed ${seed} max ${max}`).toBe(wholeLineSnippet(redactions, text, max));
    }
  });

  it('never shows a secret cut by the snippet\'s end', () => {
    const text = `key: ${'A'.repeat(500)}`;
    const snippet = new Redactions([{ start: 5, end: 505, secret: 'A'.repeat(500) }]).snippet(text, 0, text.length, 240);
    expect(snippet).not.toMatch(/A{20}/);
  });
});
