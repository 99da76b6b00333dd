import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tarBytes, writeLayout } from '../../test/helpers/oci-layout.js';

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

/**
 * What only reading a layer needs: the tar reader, decompressors and layer worker, the secret
 * detectors, the keyword automaton's WebAssembly and the secret-scan workers, YARA's compile, and the
 * registry client (the image is a layout). A run the result cache answers loads none of it, nor the
 * analysis that drives them.
 */
const READING_MODULES = [
  '../image/malware/analyze-image.js',
  '../image/layer-read.js',
  '../image/layer-reader.js',
  '../image/layer-inflate.js',
  '../image/tar-reader.js',
  '../image/secret-scan-pool.js',
  '../image/layer-secrets.js',
  '../secrets/keyword-presence.js',
  '../resolve/registry-client.js',
  '../image/malware/clamav-engine.js',
  '../image/blocklist.js',
  '../engine/run.js',
  'yaml',
];

describe('rampart image on the layer cache', () => {
  let work: string;
  let layout: string;
  const cacheBefore = process.env['XDG_CACHE_HOME'];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'rampart-image-cached-'));
    layout = path.join(work, 'layout');
    await writeLayout(layout, [
      {
        tar: tarBytes([
          { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' },
          { name: 'var/lib/dpkg/status', content: 'Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2\nArchitecture: amd64\n\n' },
          { name: 'usr/lib/node_modules/left-pad/package.json', content: '{"name":"left-pad","version":"1.3.0"}' },
        ]),
      },
      // a script YARA reads and text holding detector keywords (password, token): the first run scans them
      { tar: tarBytes([{ name: 'usr/local/bin/start.sh', content: '#!/bin/sh\n# the token and password come from the environment\nexec /srv/app "$@"\n', mode: 0o755 }]) },
    ]);
    process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
  });

  afterAll(async () => {
    if (cacheBefore === undefined) delete process.env['XDG_CACHE_HOME'];
    else process.env['XDG_CACHE_HOME'] = cacheBefore;
    await rm(work, { recursive: true, force: true });
  });

  afterEach(() => {
    for (const module of READING_MODULES) vi.doUnmock(module);
    vi.resetModules();
  });

  /** runs `rampart image` in a fresh module graph, noting which of READING_MODULES it loads */
  async function runWatched(output: string): Promise<{ code: number; loaded: string[]; report: Record<string, unknown> }> {
    vi.resetModules();
    const loaded: string[] = [];
    for (const module of READING_MODULES) {
      vi.doMock(module, async (original) => {
        loaded.push(module);
        return original();
      });
    }
    const { runImage } = await import('./image-command.js');
    const code = await runImage(layout, { format: 'json', output, failOn: 'none', quiet: true });
    const { tool: _tool, ...report } = JSON.parse(await readFile(output, 'utf8'), (key, value: unknown) => (key === 'durationMs' ? undefined : value)) as Record<string, unknown>;
    return { code, loaded, report };
  }

  it('loads none of the layer-reading code, and reports what the first run did', async () => {
    const first = await runWatched(path.join(work, 'first.json'));
    expect(first.code).toBe(0);
    // the first run read both layers: what the second must not load was loaded here
    expect(first.loaded).toEqual(expect.arrayContaining(['../image/layer-read.js', '../image/layer-reader.js', '../image/tar-reader.js', '../image/layer-secrets.js']));
    expect(JSON.stringify(first.report)).toContain('pkg:deb/debian/bash@5.2.15-2');
    const second = await runWatched(path.join(work, 'second.json'));
    expect(second.code).toBe(0);
    expect(second.loaded).toEqual([]);
    expect(second.report).toEqual(first.report);
  });
});
