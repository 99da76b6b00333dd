import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * `rampart image` answered by the layer cache is mostly start-up: it loads neither the YAML parser
 * (about 260 KB of bundle, only for `db import` and for reading manifests) nor the scan engine.
 */
describe('image command start-up', () => {
  afterEach(() => {
    vi.doUnmock('yaml');
    vi.doUnmock('../engine/run.js');
    vi.resetModules();
  });

  it('does not load YAML or the scan engine through what a cached image run imports', async () => {
    vi.resetModules();
    const loaded = vi.fn();
    vi.doMock('yaml', async (original) => {
      loaded('yaml');
      return original();
    });
    vi.doMock('../engine/run.js', async (original) => {
      loaded('engine');
      return original();
    });
    await import('./image-command.js');
    await import('../vuln/store.js');
    await import('../report/json.js');
    await import('../image/deployed/policy.js');
    await import('../image/malware/analyze-image.js');
    expect(loaded.mock.calls.flat()).toEqual([]);
  });
});
