import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveOverlaps, type Claim } from './overlaps.js';

/** The rule as stated: in priority order, keep each claim that overlaps none kept so far (quadratic). */
function byDefinition<T extends Claim>(claims: readonly T[]): T[] {
  const ordered = [...claims].sort((a, b) => b.priority - a.priority || (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  const kept: T[] = [];
  for (const claim of ordered) {
    if (!kept.some((other) => claim.start < other.end && other.start < claim.end)) kept.push(claim);
  }
  return kept.sort((a, b) => a.start - b.start);
}

const claim = fc.record({ start: fc.nat(60), length: fc.integer({ min: 1, max: 15 }), priority: fc.nat(3) })
  .map(({ start, length, priority }) => ({ start, end: start + length, priority }));

describe('resolveOverlaps', () => {
  it('keeps the same claims as the rule it implements', () => {
    fc.assert(fc.property(fc.array(claim, { maxLength: 40 }), (claims) => {
      expect(resolveOverlaps(claims)).toEqual(byDefinition(claims));
    }), { numRuns: 500 });
  });

  it('resolves a chain of 200,000 overlapping claims without quadratic work', () => {
    const claims = Array.from({ length: 200_000 }, (_, index) => ({ start: index * 5, end: index * 5 + 8, priority: index % 2 }));
    const kept = resolveOverlaps(claims);
    expect(kept.length).toBeGreaterThan(50_000);
    expect(kept.every((claim, index) => index === 0 || claim.start >= kept[index - 1]!.end)).toBe(true);
  });
});
