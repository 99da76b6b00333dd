import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * A scan loads only what it runs: the config validator (zod, about 0.03 s of CPU to load) is
 * loaded when a config file is there to validate, not by the scan command's own imports.
 */
describe('scan command start-up', () => {
  afterEach(() => {
    vi.doUnmock('zod');
    vi.resetModules();
  });

  it('does not load the config validator until a config file is read', async () => {
    vi.resetModules();
    const loaded = vi.fn();
    vi.doMock('zod', async (original) => {
      loaded();
      return original();
    });
    await import('./scan-command.js');
    expect(loaded, 'zod loaded by the scan command\'s imports').not.toHaveBeenCalled();
    await import('../config/parse.js');
    expect(loaded).toHaveBeenCalled();
  });
});
