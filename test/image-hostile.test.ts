/**
 * Hostile images and registries: decompression bombs, registries that never stop sending. Every
 * one must end soon, in bounded memory, with an error that says what happened.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decompressor } from '../src/image/decompress.js';
import { inspectImage } from '../src/image/inspect-image.js';
import { runCli } from './helpers/cli.js';
import { startServer, type TestServer } from './helpers/http-servers.js';
import { sha256, tarBytes, writeLayout } from './helpers/oci-layout.js';

let work: string;
const MiB = 1024 * 1024;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-image-hostile-'));
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface Report { diagnostics: Array<{ kind: string; message: string }>; findings: Array<{ ruleId: string; message: string }> }

async function imageJson(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; report: Report; stderr: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    const result = await runCli(['image', ...args, '--no-cache', '-f', 'json']);
    return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** a tar whose one member claims `size` bytes of zeros, then those zeros: what a bomb expands to */
function bombHeader(size: number): Buffer {
  return tarBytes([{ name: 'zeros', content: '', declaredSize: size }], { end: false });
}

/** zstd of `header` and then `zeros` zero bytes, from the zstd program */
function zstdBomb(header: Buffer, zeros: number): Buffer {
  return execFileSync('bash', ['-c', `(head -c ${header.length}; head -c ${zeros} /dev/zero) | zstd -1 -q -c`], { input: header, maxBuffer: 64 * MiB });
}

describe('decompression bombs', () => {
  // a small budget keeps the test fast: 16 MiB + 10x the stored bytes
  const budget = { RAMPART_IMAGE_EXPANSION_FLOOR_MIB: '16', RAMPART_IMAGE_MAX_EXPANSION: '10' };

  it('stops a gzip layer that expands past the budget, says so, and still checks its digest', async () => {
    const directory = path.join(work, 'gzip-bomb');
    const chunk = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
    const blob = Buffer.concat([gzipSync(bombHeader(1024 * MiB)), ...Array.from({ length: 64 }, () => chunk)]); // 1 GiB from ~1 MB
    await writeLayout(directory, [{ tar: Buffer.alloc(0), blob, diffId: sha256(Buffer.from('unknown')) }]);
    const started = Date.now();
    const { code, report } = await imageJson([directory], budget);
    const diagnostics = report.diagnostics.map((diagnostic) => `${diagnostic.kind}: ${diagnostic.message}`).join('\n');
    expect(diagnostics).toMatch(/incomplete: layer 0 .*decompresses to more than .* a decompression bomb\? not read further/);
    expect(diagnostics).toContain('RAMPART_IMAGE_MAX_EXPANSION');
    expect(code).toBe(2);
    expect(Date.now() - started).toBeLessThan(20_000);
    // the stored bytes were read to the end: they hash to the manifest's digest, so no mismatch
    expect(report.findings.filter((finding) => /hashes to/.test(finding.message))).toEqual([]);
  }, 60_000);

  it('stops a zstd layer past the budget, with the zstd program and with the JavaScript decoder', async () => {
    const directory = path.join(work, 'zstd-bomb');
    const blob = zstdBomb(bombHeader(1024 * MiB), 1024 * MiB);
    await writeLayout(directory, [{ tar: Buffer.alloc(0), blob, diffId: sha256(Buffer.from('unknown')) }]);
    for (const decoder of ['', 'js']) {
      const { report } = await imageJson([directory], { ...budget, RAMPART_ZSTD: decoder });
      expect(report.diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toMatch(/layer 0 .*decompresses to more than .*decompression bomb/);
    }
  }, 60_000);

  it('the JavaScript zstd decoder hands over what it decoded before decoding more (1 GiB in a 40 KB frame)', async () => {
    const blob = zstdBomb(Buffer.alloc(0), 1024 * MiB);
    const saved = process.env['RAMPART_ZSTD'];
    process.env['RAMPART_ZSTD'] = 'js';
    try {
      const decoder = await decompressor('zstd');
      const before = process.memoryUsage().arrayBuffers;
      decoder.write(blob);
      const first = await new Promise<Buffer>((resolve) => decoder.once('data', resolve));
      // the whole frame at once would hold 1 GiB here; a slice at a time holds a few MiB
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(first.length).toBeGreaterThan(0);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * MiB);
      decoder.destroy();
    } finally {
      if (saved === undefined) delete process.env['RAMPART_ZSTD'];
      else process.env['RAMPART_ZSTD'] = saved;
    }
  }, 60_000);
});

describe('a registry that misbehaves', () => {
  let server: TestServer;
  const layerTar = tarBytes([{ name: 'etc/hello', content: 'hello\n' }]);
  const layer = gzipSync(layerTar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] }, history: [{ created_by: 'step' }] }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
  }));
  let endlessBytes = 0;
  /** the layer's bytes, then zeros for as long as the client reads */
  const endless = (response: ServerResponse): void => {
    response.setHeader('content-type', 'application/octet-stream');
    response.write(layer);
    const more = (): void => {
      for (;;) {
        if (response.destroyed) return;
        endlessBytes += 64 * 1024;
        if (!response.write(Buffer.alloc(64 * 1024))) {
          response.once('drain', more);
          return;
        }
      }
    };
    more();
  };
  beforeAll(async () => {
    server = await startServer((request, response) => {
      const url = request.url ?? '';
      if (url === '/v2/' || url === '/v2') return void response.end('{}');
      if (url.includes('/manifests/')) {
        response.setHeader('content-type', 'application/vnd.oci.image.manifest.v1+json');
        response.setHeader('docker-content-digest', sha256(manifest));
        return void response.end(request.method === 'HEAD' ? undefined : manifest);
      }
      if (url.endsWith(`/blobs/${sha256(config)}`)) return void response.end(config);
      if (url.endsWith(`/blobs/${sha256(layer)}`)) return endless(response);
      response.statusCode = 404;
      response.end();
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses a redirect to file: with a clear error, and reads nothing there', async () => {
    const redirecting = await startServer((request, response) => {
      const url = request.url ?? '';
      if (url === '/v2/') return void response.end('{}');
      response.statusCode = 302;
      response.setHeader('location', 'file:///etc/passwd');
      response.end();
    });
    try {
      const result = await runCli(['image', `${redirecting.host}/team/app:v1`, '--insecure-registry', redirecting.host, '--no-cache', '-f', 'json']);
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).not.toContain('root:');
      expect(result.stderr).toContain(`${redirecting.host} redirected to a file: URL, not HTTP(S); refused`);
    } finally {
      await redirecting.close();
    }
  });

  it('cuts off a blob body that never ends at the descriptor\'s size and says so', async () => {
    const started = Date.now();
    const { report, stderr } = await imageJson([`${server.host}/team/app:v1`, '--insecure-registry', server.host]);
    const messages = [...report.diagnostics, ...report.findings].map((item) => item.message).join('\n');
    expect(messages).toContain(`sent more than the ${layer.length} bytes the descriptor gives; not read further`);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(endlessBytes).toBeLessThan(64 * MiB);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('hostile layouts and archives', () => {
  const layerTar = tarBytes([{ name: 'etc/hello', content: 'hello\n' }]);

  it('links and names that point outside the image lead only into the image\'s own tree', async () => {
    const directory = path.join(work, 'links');
    await writeLayout(directory, [{
      tar: tarBytes([
        // the host has /usr/lib/os-release and /etc/passwd; the image has neither
        { name: 'etc/os-release', type: '2', linkname: '/usr/lib/os-release' },
        { name: 'var/lib/dpkg', type: '2', linkname: '../../../../var/lib/dpkg' },
        { name: 'usr/bin/passwd-copy', type: '1', linkname: '../../../etc/passwd' },
        { name: 'usr/bin/early', type: '1', linkname: 'usr/bin/later' },
        { name: 'usr/bin/later', content: '#!/bin/sh\necho later\n', mode: 0o755 },
        { name: '/abs/file', content: 'absolute\n' },
        { name: 'dup', content: 'first\n' },
        { name: 'dup', content: 'second and last\n' },
        { name: 'a/.wh...', content: '' },
        { name: '../escape', content: 'out\n' },
      ]),
    }]);
    const { report } = await imageJson([directory]);
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/root:x?:0:0|debian/i);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toContain('"../escape" climbs out of the root; not placed');
    const inspection = await inspectImage(directory);
    const image = inspection.images[0]!;
    expect(image.inventory.os).toBeUndefined();
    expect(image.inventory.packages).toEqual([]);
    expect(image.tree.get('abs/file')?.size).toBe(9);
    expect(image.tree.get('dup')?.size).toBe('second and last\n'.length);
    expect(image.tree.get('escape')).toBeUndefined();
  });

  it('refuses a blob that links outside the layout', async () => {
    const directory = path.join(work, 'linked');
    const { blobs } = await writeLayout(directory, [{ tar: layerTar }]);
    const secret = path.join(work, 'outside-secret');
    await writeFile(secret, gzipSync(tarBytes([{ name: 'stolen', content: 'from outside' }])));
    const blobFile = path.join(directory, 'blobs', 'sha256', blobs[0]!.slice(7));
    await rm(blobFile);
    await symlink(secret, blobFile);
    const { code, report } = await imageJson([directory]);
    expect(code).toBe(2);
    expect(report.diagnostics.map((diagnostic) => diagnostic.message).join('\n')).toContain('links outside the layout');
    expect(JSON.stringify(report)).not.toContain('stolen');
  });

  it('a docker save manifest.json naming ../../etc/passwd reads nothing outside the archive', async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] } }));
    const manifest = JSON.stringify([{ Config: '../../etc/passwd', RepoTags: ['app:v1'], Layers: ['../../../etc/passwd', '/etc/shadow'] }]);
    const archive = path.join(work, 'climbing.tar');
    await writeFile(archive, tarBytes([{ name: 'manifest.json', content: manifest }, { name: 'config.json', content: config }]));
    const result = await runCli(['image', archive, '--no-cache', '-f', 'json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('climbing.tar has no ../../etc/passwd');
    expect(result.stdout + result.stderr).not.toContain('root:');
  });

  it('refuses a manifest of 5,000 layers, an index of 200 platforms for --all-platforms and indexes nested in a loop', async () => {
    const directory = path.join(work, 'many');
    const { manifestDigest } = await writeLayout(directory, [{ tar: layerTar }]);
    const blobs = path.join(directory, 'blobs', 'sha256');
    const manifest = JSON.parse(await readFile(path.join(blobs, manifestDigest.slice(7)), 'utf8')) as { layers: unknown[] };
    const put = async (value: unknown): Promise<{ digest: string; size: number }> => {
      const bytes = Buffer.from(JSON.stringify(value));
      await writeFile(path.join(blobs, sha256(bytes).slice(7)), bytes);
      return { digest: sha256(bytes), size: bytes.length };
    };
    const wide = await put({ ...manifest, layers: Array.from({ length: 5000 }, () => manifest.layers[0]) });
    const platforms = Array.from({ length: 200 }, (_, index) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...wide, platform: { os: 'linux', architecture: `arch${index}` } }));
    const many = await put({ schemaVersion: 2, manifests: platforms });
    // an index whose only entry is an index naming the first one again (by digest: a loop of two)
    const inner = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...many, platform: { os: 'linux', architecture: 'amd64' } }] };
    const innerDigest = await put(inner);
    const writeIndex = (entry: unknown): Promise<void> => writeFile(path.join(directory, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));

    await writeIndex({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...wide });
    let result = await runCli(['image', directory, '--no-cache', '-f', 'json']);
    expect(result.stderr).toContain('lists 5000 layers, more than 4096; refused');

    await writeIndex({ mediaType: 'application/vnd.oci.image.index.v1+json', ...many });
    result = await runCli(['image', directory, '--no-cache', '-f', 'json', '--all-platforms']);
    expect(result.stderr).toContain('names 200 images, more than 128 for --all-platforms');

    await put({ ...inner, manifests: [{ ...inner.manifests[0], ...innerDigest }] });
    await writeIndex({ mediaType: 'application/vnd.oci.image.index.v1+json', ...innerDigest, platform: { os: 'linux', architecture: 'amd64' } });
    result = await runCli(['image', directory, '--no-cache', '-f', 'json']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
