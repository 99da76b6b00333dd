import { describe, expect, it } from 'vitest';
import { uncheckedSummary, type Diagnostic } from './diagnostic.js';

const incomplete = (path: string): Diagnostic => ({ path, message: 'x', kind: 'incomplete' });

describe('uncheckedSummary', () => {
  it('counts files once each, and repository-wide checks (history, signatures, rules) apart from files', () => {
    expect(uncheckedSummary([incomplete('a.yaml')])).toBe('1 file could not be checked');
    expect(uncheckedSummary([incomplete('a.yaml'), incomplete('a.yaml'), incomplete('b.json')])).toBe('2 files could not be checked');
    expect(uncheckedSummary([incomplete('.'), incomplete('a.yaml'), { path: 'c.yaml', message: 'binary', kind: 'skipped' }]))
      .toBe('1 file and 1 repository-wide check could not be checked');
    expect(uncheckedSummary([incomplete('.'), incomplete('.')])).toBe('2 repository-wide checks could not be checked');
  });
});
