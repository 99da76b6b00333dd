import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../src/image/inspect-image.js';
import { runCli } from './helpers/cli.js';
import { run } from './helpers/image-build.js';
import { tarBytes } from './helpers/oci-layout.js';

let work: string;

interface V1Layer { readonly members: Parameters<typeof tarBytes>[0]; readonly cmd: string }

/**
 * A `docker save` archive of Docker < 1.10, written here from the format (no tool on this machine
 * writes it): `repositories`, and `<id>/VERSION`, `<id>/json`, `<id>/layer.tar` per layer, ids
 * chained by `parent`. `parentOf` can make the chain lie.
 */
async function v1Archive(name: string, layers: readonly V1Layer[], parentOf?: (ids: string[], index: number) => string | undefined): Promise<string> {
  const directory = path.join(work, name);
  const ids = layers.map(() => randomBytes(32).toString('hex'));
  for (const [index, layer] of layers.entries()) {
    const folder = path.join(directory, ids[index]!);
    await mkdir(folder, { recursive: true });
    const parent = parentOf ? parentOf(ids, index) : ids[index - 1];
    const json = {
      id: ids[index], ...(parent ? { parent } : {}), created: '2015-06-01T00:00:00Z', os: 'linux', architecture: 'amd64',
      container_config: { Cmd: ['/bin/sh', '-c', layer.cmd] },
      config: { Env: ['PATH=/usr/bin', 'MODE=prod'], Labels: { team: 'web' } },
    };
    await writeFile(path.join(folder, 'VERSION'), '1.0');
    await writeFile(path.join(folder, 'json'), JSON.stringify(json));
    await writeFile(path.join(folder, 'layer.tar'), tarBytes(layer.members));
  }
  await writeFile(path.join(directory, 'repositories'), JSON.stringify({ 'acme/web': { '1.0': ids.at(-1) } }));
  const archive = path.join(work, `${name}.tar`);
  await run('tar', ['-cf', archive, '-C', directory, '.']);
  return archive;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-v1-'));
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('Docker v1 docker save archives (repositories, <id>/layer.tar)', () => {
  it('reads the layers in parent order, applies whiteouts, inventories and says that nothing could be verified', async () => {
    const archive = await v1Archive('web', [
      { cmd: '#(nop) ADD file:rootfs in /', members: [{ name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.2.0\n' }, { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.1.11-r2\nA:x86_64\n\n' }, { name: 'tmp/build.log', content: 'x' }] },
      { cmd: 'apk add curl && rm /tmp/build.log', members: [{ name: 'tmp/.wh.build.log' }, { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.1.11-r2\nA:x86_64\n\nP:curl\nV:7.42.1-r0\nA:x86_64\n\n' }] },
    ]);
    for (const input of [archive, `${archive}:1.0`]) {
      const result = await runCli(['image', input, '-f', 'json', '--no-cache']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { diagnostics: Array<{ kind: string; message: string }>; images: Array<{ layers: Array<{ createdBy?: string }>; packages: Array<{ purl: string; layer: number }> }> };
      expect(report.diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toContain('Docker v1 archive');
      expect(report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
      const image = report.images[0]!;
      expect(image.layers.map((layer) => layer.createdBy)).toEqual(['/bin/sh -c #(nop) ADD file:rootfs in /', '/bin/sh -c apk add curl && rm /tmp/build.log']);
      expect(image.packages.map((pkg) => `${pkg.purl} ${pkg.layer}`).sort()).toEqual(['pkg:apk/alpine/curl@7.42.1-r0?arch=x86_64&distro=alpine-3.2.0 1', 'pkg:apk/alpine/musl@1.1.11-r2?arch=x86_64&distro=alpine-3.2.0 1']);
    }
    const inspected = (await inspectImage(archive, { cacheDirectory: false })).images[0]!;
    expect(inspected.tree.get('tmp/build.log')).toBeUndefined();
    expect(inspected.tree.get('etc/os-release')?.layer).toBe(0);
    expect(inspected.config.env).toContain('MODE=prod');
  });

  it('a parent chain that loops, a missing layer and several images without a tag are clear errors (exit 2)', async () => {
    const looping = await v1Archive('loop', [{ cmd: 'a', members: [{ name: 'a', content: 'a' }] }, { cmd: 'b', members: [{ name: 'b', content: 'b' }] }], (ids, index) => ids[(index + 1) % ids.length]);
    const loop = await runCli(['image', looping]);
    expect(loop.code).toBe(2);
    expect(loop.stderr).toMatch(/is its own ancestor \(the parent chain loops\)/);
    const missing = await v1Archive('missing', [{ cmd: 'a', members: [{ name: 'a', content: 'a' }] }], () => 'f'.repeat(64));
    const absent = await runCli(['image', missing]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain(`has no ${'f'.repeat(64)}/layer.tar`);
    expect(`${loop.stderr}${absent.stderr}`).not.toMatch(/\n\s+at /);
  });
});
