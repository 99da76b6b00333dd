import { describe, expect, it } from 'vitest';
import { satisfiesConstraint } from './semver-constraint.js';

describe('satisfiesConstraint (Masterminds/semver, as Helm reads Chart.yaml)', () => {
  it.each([
    ['1.2.3', '1.2.3', true], ['1.2.4', '1.2.3', false], ['1.2.3', '=1.2.3', true], ['1.2.3', 'v1.2.3', true],
    ['1.2.9', '1.2', true], ['1.3.0', '1.2', false], ['1.9.0', '1', true], ['2.0.0', '1', false],
    ['1.2.9', '1.2.x', true], ['1.3.0', '1.2.x', false], ['5.0.0', '*', true],
    ['1.2.9', '~1.2.3', true], ['1.3.0', '~1.2.3', false], ['1.9.0', '~1', true],
    ['1.9.0', '^1.2.3', true], ['2.0.0', '^1.2.3', false], ['0.2.9', '^0.2.3', true], ['0.3.0', '^0.2.3', false], ['0.0.3', '^0.0.3', true], ['0.0.4', '^0.0.3', false],
    ['1.5.0', '>= 1.2, < 2', true], ['2.0.0', '>= 1.2, < 2', false], ['1.5.0', '>=1.2 <2', true],
    ['1.4.5', '1.2 - 1.4.5', true], ['1.4.6', '1.2 - 1.4.5', false], ['1.4.9', '1.2 - 1.4', true],
    ['3.0.0', '^1.0 || ^3.0', true], ['2.0.0', '^1.0 || ^3.0', false],
    ['1.2.0', '!=1.2.0', false], ['1.2.9', '<=1.2', true], ['1.3.0', '<=1.2', false],
    ['1.0.0-rc.1', '>=1.0.0', false],
  ])('%s against %s is %s', (version, constraint, expected) => {
    expect(satisfiesConstraint(version, constraint)).toBe(expected);
  });

  it('gives undefined when it cannot read a side', () => {
    expect(satisfiesConstraint('latest', '^1.0')).toBeUndefined();
    expect(satisfiesConstraint('1.0.0', 'banana')).toBeUndefined();
  });
});
