import { describe, expect, it } from 'vitest';
import { checkDatabaseAge } from './image-vulnerabilities.js';
import type { VulnerabilityDatabase } from './store.js';

const now = Date.parse('2026-12-05T12:00:00Z');
const database = { ecosystems: { npm: { newestModified: '2026-12-04T12:00:00Z' }, Go: { newestModified: '2022-11-01T00:00:00Z' }, Debian: { newestModified: '2026-10-01T00:00:00Z' }, PyPI: { newestModified: 'not a date' } } } as unknown as VulnerabilityDatabase;

describe('--max-db-age', () => {
  it('looks only at the ecosystems the check used', () => {
    expect(() => checkDatabaseAge(database, ['npm'], 7 * 86_400_000, '7d', now)).not.toThrow();
    expect(() => checkDatabaseAge(database, [], 7 * 86_400_000, '7d', now)).not.toThrow();
  });

  it('names every stale ecosystem used, with its age', () => {
    expect(() => checkDatabaseAge(database, ['npm', 'PyPI', 'Debian', 'Debian'], 7 * 86_400_000, '7d', now)).toThrow(
      '--max-db-age 7d: the Debian vulnerability data is 65 days old (newest record modified 2026-10-01T00:00:00Z), the PyPI vulnerability data is of unknown age; import a current OSV export with rampart db import',
    );
  });

  it('fails without a database', () => {
    expect(() => checkDatabaseAge(undefined, [], 86_400_000, '1d', now)).toThrow('--max-db-age 1d: there is no vulnerability database; import OSV data with rampart db import');
  });
});
