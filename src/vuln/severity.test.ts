import { describe, expect, it } from 'vitest';
import type { OsvRecord } from './osv.js';
import { cvssBaseScore, rateRecord, severityOfScore } from './severity.js';

describe('CVSS base scores (values as NVD publishes them)', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.9],
    ['CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L', 5.3],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5],
  ])('%s = %d', (vector, score) => {
    expect(cvssBaseScore(vector)).toBe(score);
  });
  it('gives no score for what is not a vector', () => {
    expect(cvssBaseScore('CVSS:3.1/AV:X')).toBeUndefined();
    expect(cvssBaseScore('high')).toBeUndefined();
  });
  it('rates as FIRST does', () => {
    expect([9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1, 0].map(severityOfScore)).toEqual(['critical', 'high', 'high', 'medium', 'medium', 'low', 'low', 'info']);
  });
});

describe('rating a record', () => {
  const base: OsvRecord = { id: 'X-1', modified: '2026-01-01T00:00:00Z', affected: [] };
  it('prefers CVSS v4 over v3, an entry\'s vector over the record\'s, and words when there is no vector', () => {
    expect(rateRecord({ ...base, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' }, { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }] })).toMatchObject({ severity: 'critical', score: 9.3 });
    expect(rateRecord({ ...base, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }, [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N' }])).toMatchObject({ severity: 'medium', score: 5.9 });
    expect(rateRecord({ ...base, severity: [{ type: 'Ubuntu', score: 'high' }] })).toEqual({ severity: 'high', source: 'Ubuntu:high' });
    expect(rateRecord({ ...base, ratedSeverity: 'MODERATE' })).toEqual({ severity: 'medium', source: 'GHSA:MODERATE' });
    expect(rateRecord(base)).toEqual({ severity: 'medium', source: 'none' });
  });
});
