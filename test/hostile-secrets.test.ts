import { describe, expect, it } from 'vitest';
import { findSecrets } from '../src/secrets/scan-text.js';
import { ALNUM, SampleRandom } from '../src/secrets/random.js';
import { cpuGrowth, describeGrowth } from './helpers/growth.js';

/**
 * Text shaped to make the secret detectors' cost per byte large: the hostile text may cost no more
 * than a few times what the same number of bytes of ordinary credential lines cost.
 */
const LIMIT = 8;

describe('hostile secrets text', { timeout: 120_000 }, () => {
  it('a line of `password=password=…` costs about what as many bytes of credential lines cost', async () => {
    const hostile = 'password='.repeat(20_000);
    const random = new SampleRandom('ordinary');
    let ordinary = '';
    while (ordinary.length < hostile.length) ordinary += `password=${random.chars(ALNUM, 20)}\n`;
    expect(findSecrets(ordinary, 'a.env').length).toBeGreaterThan(1000);
    // each `password=` starts a match whose value runs on for 4,096 characters, and each was judged whole
    const growth = await cpuGrowth(() => findSecrets(ordinary, 'a.env'), () => findSecrets(hostile, 'a.env'));
    expect(growth.ratio, describeGrowth(growth)).toBeLessThan(LIMIT);
  });

  it('a credential word, a long run of blanks and = cost about what as many bytes of credential lines cost', async () => {
    const hostile = `password${' '.repeat(80_000)}=x`;
    const random = new SampleRandom('ordinary blanks');
    let ordinary = '';
    while (ordinary.length < hostile.length) ordinary += `password=${random.chars(ALNUM, 20)}\n`;
    // two runs of blanks side by side in the prose rule's pattern split this one every way: quadratic
    const growth = await cpuGrowth(() => findSecrets(ordinary, 'a.md'), () => findSecrets(hostile, 'a.md'));
    expect(growth.ratio, describeGrowth(growth)).toBeLessThan(LIMIT);
  });
});
