import { describe, expect, it } from 'vitest';
import { evaluateAffected } from './affected.js';
import type { OsvAffected, OsvEvent } from './osv.js';

function entry(ecosystem: string, events: OsvEvent[], type = 'ECOSYSTEM', versions?: string[]): OsvAffected {
  return { package: { ecosystem, name: 'p' }, ranges: [{ type, events }], ...(versions ? { versions } : {}) };
}

const kind = (affected: OsvAffected, version: string): string => evaluateAffected(affected, version).kind;

describe('OSV affected evaluation', () => {
  it('introduced/fixed: from introduced up to, not including, fixed', () => {
    const range = entry('PyPI', [{ introduced: '1.0' }, { fixed: '1.5' }]);
    expect(kind(range, '0.9')).toBe('not-affected');
    expect(kind(range, '1.0')).toBe('affected');
    expect(kind(range, '1.4.9')).toBe('affected');
    expect(kind(range, '1.5')).toBe('not-affected');
    expect(kind(range, '1.5.0')).toBe('not-affected');
    expect(evaluateAffected(range, '1.2')).toEqual({ kind: 'affected', by: 'range', fixed: '1.5' });
  });
  it('introduced "0" is before every version', () => {
    const range = entry('Go', [{ introduced: '0' }, { fixed: '1.2.3' }], 'SEMVER');
    expect(kind(range, '0.0.1')).toBe('affected');
    expect(kind(range, 'v0.0.0-20190101000000-abcdefabcdef')).toBe('affected');
    expect(kind(range, '1.2.3')).toBe('not-affected');
  });
  it('last_affected is inclusive', () => {
    const range = entry('npm', [{ introduced: '0' }, { last_affected: '2.0.0' }]);
    expect(kind(range, '2.0.0')).toBe('affected');
    expect(evaluateAffected(range, '1.0.0')).toEqual({ kind: 'affected', by: 'range', lastAffected: '2.0.0' });
    expect(kind(range, '2.0.1')).toBe('not-affected');
  });
  it('several intervals in one range, events in any order', () => {
    const range = entry('Go', [{ fixed: '1.20.5' }, { introduced: '1.21.0' }, { introduced: '0' }, { fixed: '1.21.2' }], 'SEMVER');
    expect(evaluateAffected(range, '1.19.8')).toEqual({ kind: 'affected', by: 'range', fixed: '1.20.5' });
    expect(kind(range, '1.20.5')).toBe('not-affected');
    expect(kind(range, '1.20.9')).toBe('not-affected');
    expect(evaluateAffected(range, '1.21.1')).toEqual({ kind: 'affected', by: 'range', fixed: '1.21.2' });
    expect(kind(range, '1.21.2')).toBe('not-affected');
  });
  it('limit: only below a limit', () => {
    const range = entry('npm', [{ introduced: '0' }, { limit: '2.0.0' }]);
    expect(kind(range, '1.9.9')).toBe('affected');
    expect(kind(range, '2.0.0')).toBe('not-affected');
    expect(kind(entry('npm', [{ introduced: '1.0.0' }, { limit: '*' }]), '9.0.0')).toBe('affected');
  });
  it('explicit versions match even with no range, normalised as the ecosystem compares', () => {
    const listed: OsvAffected = { package: { ecosystem: 'PyPI', name: 'p' }, versions: ['1.0', '2.0.0rc1'] };
    expect(kind(listed, '1.0')).toBe('affected');
    expect(kind(listed, '1.0.0')).toBe('affected');
    expect(kind(listed, '2.0.0-rc.1')).toBe('affected');
    expect(kind(listed, '1.1')).toBe('not-affected');
  });
  it('GIT ranges are not used for binary packages', () => {
    expect(kind(entry('PyPI', [{ introduced: '0' }, { fixed: 'abc123' }], 'GIT'), '1.0')).toBe('not-affected');
  });
  it('distro orderings: Debian epochs and tildes, Alpine revisions', () => {
    const debian = entry('Debian:12', [{ introduced: '0' }, { fixed: '1:2.3-1~deb12u1' }]);
    expect(kind(debian, '1:2.3-1~deb12u0')).toBe('affected');
    expect(kind(debian, '2.9-1')).toBe('affected');
    expect(kind(debian, '1:2.3-1~deb12u1')).toBe('not-affected');
    expect(kind(debian, '1:2.3-1')).toBe('not-affected');
    const alpine = entry('Alpine:v3.20', [{ introduced: '0' }, { fixed: '3.3.2-r1' }]);
    expect(kind(alpine, '3.3.2-r0')).toBe('affected');
    expect(kind(alpine, '3.3.2-r1')).toBe('not-affected');
  });
  it('an inverted range (fixed below introduced) is left out, not evaluated', () => {
    const inverted = entry('Alpine:v3.20', [{ introduced: '5.36.0-r0' }, { fixed: '5.26.1-r0' }]);
    expect(evaluateAffected(inverted, '5.38.0-r0')).toMatchObject({ kind: 'unknown' });
  });
  it('a version the ordering cannot place, or an ecosystem without ordering, is unknown, never "not affected"', () => {
    expect(evaluateAffected(entry('Go', [{ introduced: '0' }, { fixed: '1.0.0' }], 'SEMVER'), '(devel)')).toMatchObject({ kind: 'unknown' });
    expect(evaluateAffected(entry('Hackage', [{ introduced: '0' }, { fixed: '1.0' }]), '0.5')).toMatchObject({ kind: 'unknown' });
  });
});
