import { describe, expect, it } from 'vitest';
import { formatMessage } from './rule.js';

describe('formatMessage', () => {
  it('fills placeholders and leaves unknown ones as written', () => {
    expect(formatMessage('Chart {chart} has {count} dependencies ({missing})', { chart: 'web', count: 2 })).toBe('Chart web has 2 dependencies ({missing})');
  });

  it('keeps the first items of a long list and counts the rest, so one finding cannot write a huge line', () => {
    const names = Array.from({ length: 5000 }, (_, index) => `d${index}`).join(', ');
    const message = formatMessage('remote dependencies ({names}) and no Chart.lock', { names });
    expect(message.length).toBeLessThan(400);
    expect(message).toMatch(/^remote dependencies \(d0, d1, d2, .* and \d{4} more\) and no Chart\.lock$/);
  });

  it('cuts long text that is not a list', () => {
    expect(formatMessage('value {v}', { v: 'x'.repeat(1000) })).toBe(`value ${'x'.repeat(300)}…`);
  });
});
