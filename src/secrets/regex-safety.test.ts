import { describe, expect, it } from 'vitest';
import { DETECTORS } from './catalogue.js';
import type { Detector } from './detector.js';
import { findSecrets } from './scan-text.js';

/**
 * A repeated group that itself contains a repetition (`(a+)+`, `(?:x*y)*`) is what backtracks
 * exponentially; every detector pattern must be free of it. Optional groups (`(…)?`) are fine.
 */
function nestedQuantifiers(source: string): string[] {
  const found: string[] = [];
  const stack: Array<{ start: number; quantified: boolean }> = [];
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index];
    if (char === '\\') {
      index += 1;
    } else if (char === '[') {
      while (index < source.length && source[index] !== ']') index += source[index] === '\\' ? 2 : 1;
    } else if (char === '(') {
      stack.push({ start: index, quantified: false });
    } else if (char === ')') {
      const group = stack.pop();
      const next = source[index + 1];
      const repeated = next === '*' || next === '+' || (next === '{' && !/^\{0?,?1\}/.test(source.slice(index + 1)));
      if (group?.quantified && repeated) found.push(source.slice(group.start, index + 2));
      if (group?.quantified || repeated) {
        const parent = stack[stack.length - 1];
        if (parent) parent.quantified = true;
      }
    } else if ((char === '*' || char === '+' || char === '{') && stack.length > 0) {
      stack[stack.length - 1]!.quantified = true;
    }
  }
  return found;
}

/** Inputs built to make a backtracking pattern slow: keywords and near-misses repeated, long runs of each class. */
function adversarial(detector: Detector, size: number): string {
  const sample = (detector.samples.positives[0] ?? '').replace(/\s*# expect:[^\n]*/g, '').replace(/\n/g, ' ');
  const pieces = [
    ...detector.keywords.flatMap((keyword) => [keyword, `${keyword}a`, `${keyword}-`, `${keyword}: `, `${keyword}=0`, `${keyword}"`]),
    sample.slice(0, -1), sample.slice(0, Math.floor(sample.length / 2)), 'A'.repeat(64), '0'.repeat(64), 'a-'.repeat(32), ' '.repeat(64), '\\n'.repeat(16), '-----',
  ];
  let text = '';
  for (let index = 0; text.length < size; index += 1) text += pieces[index % pieces.length];
  return text.slice(0, size);
}

/** CPU time, not wall time: other processes on a busy machine would stretch long runs more than short ones. */
function cpuMilliseconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Least CPU time of several runs, sizes interleaved: interference only ever adds time, so the minimum is the work. */
function fastestPair(small: string, large: string, detector: Detector): [number, number] {
  const best: [number, number] = [Infinity, Infinity];
  for (let run = 0; run < 3; run += 1) {
    [small, large].forEach((text, index) => {
      const started = cpuMilliseconds();
      findSecrets(text, 'adversarial.yaml', [detector]);
      best[index] = Math.min(best[index]!, cpuMilliseconds() - started);
    });
  }
  return best;
}

describe('detector regexes are safe from catastrophic backtracking', () => {
  it('have no nested quantifiers', () => {
    const offenders = DETECTORS.flatMap((detector) => nestedQuantifiers(detector.pattern.source).map((group) => `${detector.id}: ${group}`));
    expect(offenders).toEqual([]);
    expect(nestedQuantifiers('(a+)+b')).toEqual(['(a+)+']);
  });

  it('take time proportional to the input on adversarial text (8× the input, well under 64× the time)', () => {
    const SMALL = 20_000;
    const slow: string[] = [];
    for (const detector of DETECTORS) {
      const texts = [adversarial(detector, SMALL), adversarial(detector, SMALL * 8)] as const;
      // linear work grows 8×; a quadratic pattern would grow 64×. The margin absorbs timer noise, and a
      // detector only fails if every attempt is slow: a GC pause or a busy CI machine can spoil one, not three.
      let verdict = '';
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const [measured, large] = fastestPair(texts[0], texts[1], detector);
        const small = Math.max(measured, 0.2);
        verdict = large > small * 24 ? `${detector.id}: ${small.toFixed(2)}ms → ${large.toFixed(2)}ms` : '';
        if (!verdict) break;
      }
      if (verdict) slow.push(verdict);
    }
    expect(slow).toEqual([]);
  });
});
