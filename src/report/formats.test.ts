import { describe, expect, it } from 'vitest';
import { FORMATS, loadReporter } from './formats.js';
import { REPORTERS } from './index.js';

describe('report formats loaded on demand', () => {
  it('offers every format of the eager table, each loading the same reporter', async () => {
    expect(FORMATS).toEqual(Object.keys(REPORTERS));
    for (const format of FORMATS) expect(await loadReporter(format)).toBe(REPORTERS[format]);
  });

  it('has no reporter for an unknown format or an inherited property name', async () => {
    expect(await loadReporter('pdf')).toBeUndefined();
    expect(await loadReporter('toString')).toBeUndefined();
  });
});
