import { describe, expect, it } from 'vitest';
import { matchesSelector, parseLabelSelector, SelectorError } from './label-selector.js';

const matches = (selector: string, labels: Record<string, string>): boolean => matchesSelector(parseLabelSelector(selector), labels);

describe('label selectors (kubectl syntax)', () => {
  it('equality, inequality, sets and existence, joined by commas', () => {
    expect(matches('app=web', { app: 'web' })).toBe(true);
    expect(matches('app==web', { app: 'api' })).toBe(false);
    expect(matches('app!=web', {})).toBe(true);
    expect(matches('app!=web', { app: 'web' })).toBe(false);
    expect(matches('env in (prod, staging)', { env: 'staging' })).toBe(true);
    expect(matches('env in (prod,staging)', {})).toBe(false);
    expect(matches('env notin (dev)', {})).toBe(true);
    expect(matches('env notin (dev)', { env: 'dev' })).toBe(false);
    expect(matches('canary', { canary: '' })).toBe(true);
    expect(matches('!legacy', { legacy: 'true' })).toBe(false);
    expect(matches('app=web,env in (prod,staging),!legacy', { app: 'web', env: 'prod' })).toBe(true);
    expect(matches('rampart.dev/skip!=true', { 'rampart.dev/skip': 'true' })).toBe(false);
  });

  it('an empty value matches an empty label', () => {
    expect(matches('tier=', { tier: '' })).toBe(true);
    expect(matches('tier=', { tier: 'a' })).toBe(false);
  });

  it('says what is wrong with a bad selector', () => {
    for (const bad of ['app=web,', 'env in (prod', 'a b', 'app=we b', '-bad=x', 'env in ((a))']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(SelectorError);
    }
    expect(() => parseLabelSelector('env in (prod')).toThrow(/unbalanced parentheses/);
  });
});
