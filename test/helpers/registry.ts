/**
 * A real OCI registry for integration tests: Debian's `docker-registry` (CNCF distribution 2.8)
 * on 127.0.0.1 with a random port and storage in a temporary directory, plus helpers that build
 * tiny images with `umoci` and push them with `skopeo`.
 *
 *   const registry = await startRegistry();
 *   const image = await pushImage(registry, 'team/app', 'v1', { files: { 'hello.txt': 'one' } });
 *   const index = await pushIndex(registry, 'team/app', 'multi', [amd64, arm64]);
 *   await tagManifest(registry, 'team/app', image.digest, 'v2');   // move or add a tag
 *   ...
 *   await registry.stop();
 *
 * Manifest and blob API calls (getManifest, putManifest, headManifest, tagManifest, deleteManifest,
 * pushBlob) live in `registry-api.ts` and are re-exported here, so one import serves.
 * Every helper is plain HTTP to 127.0.0.1 only. Images are tiny (one layer of a few text files),
 * so a build + push takes well under a second.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { headManifest, putManifest } from './registry-api.js';

export { deleteManifest, getManifest, headManifest, pushBlob, putManifest, tagManifest } from './registry-api.js';

const run = promisify(execFile);

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, the registry part of an image reference */
  readonly host: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** where the registry stores blobs; removed by `stop()` */
  readonly storageDir: string;
  /** stops the process and removes its storage; safe to call twice */
  stop(): Promise<void>;
}

export interface PushedImage {
  /** `127.0.0.1:<port>/<repository>:<tag>` */
  readonly reference: string;
  /** the manifest digest the registry stores (`sha256:…`) */
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

export interface ImageOptions {
  /** files written into the single layer (path → content); defaults to a file naming the tag */
  readonly files?: Readonly<Record<string, string>>;
  /** the config's architecture (default amd64) */
  readonly architecture?: string;
  readonly os?: string;
  /** manifest format in the registry: OCI (default) or Docker schema 2 (`v2s2`) */
  readonly format?: 'oci' | 'v2s2';
}

/** A free TCP port on 127.0.0.1 (bound and released; the caller binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `docker-registry serve` and waits until `GET /v2/` answers. */
export async function startRegistry(): Promise<LocalRegistry> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      lastError = error; // most likely the port was taken between freePort() and bind
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

async function startOnce(): Promise<LocalRegistry> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rampart-registry-'));
  const storageDir = path.join(dir, 'storage');
  await mkdir(storageDir);
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n');
  const configPath = path.join(dir, 'config.yml');
  await writeFile(configPath, config);
  const child = spawn('/usr/bin/docker-registry', ['serve', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exitPromise;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const response = await fetch(`${url}/v2/`);
      await response.arrayBuffer();
      if (response.status === 200) return { host: `127.0.0.1:${port}`, url, storageDir, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`docker-registry did not start on port ${port}: ${stderr.trim()}`);
}

/**
 * Builds a one-layer OCI image with umoci in a new OCI layout directory under `workDir` and
 * returns `{ layout, tag }` for `skopeo copy oci:<layout>:<tag>`.
 */
export async function buildImage(workDir: string, tag: string, options: ImageOptions = {}): Promise<{ layout: string; tag: string }> {
  const base = await mkdtemp(path.join(workDir, 'image-'));
  const layout = path.join(base, 'layout');
  const bundle = path.join(base, 'bundle');
  const image = `${layout}:${tag}`;
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', image]);
  await run('umoci', [
    'config', '--image', image,
    '--architecture', options.architecture ?? 'amd64',
    '--os', options.os ?? 'linux',
    '--config.cmd', '/hello',
  ]);
  await run('umoci', ['unpack', '--rootless', '--image', image, bundle]);
  const files = options.files ?? { 'hello.txt': `${tag} ${options.architecture ?? 'amd64'}\n` };
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(bundle, 'rootfs', name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  await run('umoci', ['repack', '--image', image, bundle]);
  await rm(bundle, { recursive: true, force: true });
  return { layout, tag };
}

/** Copies `oci:<layout>:<tag>` to `<registry>/<repository>:<destTag>` with skopeo. */
export async function pushLayout(
  registry: LocalRegistry,
  layout: string,
  tag: string,
  repository: string,
  destTag: string = tag,
  format: 'oci' | 'v2s2' = 'oci',
): Promise<PushedImage> {
  const digestFile = path.join(path.dirname(layout), `digest-${destTag}`);
  const reference = `${registry.host}/${repository}:${destTag}`;
  await run('skopeo', [
    'copy', '--quiet', '--dest-tls-verify=false', '--digestfile', digestFile, '--format', format,
    `oci:${layout}:${tag}`, `docker://${reference}`,
  ]);
  const digest = (await readFile(digestFile, 'utf8')).trim();
  const head = await headManifest(registry, repository, digest);
  return { reference, digest, mediaType: head.mediaType, size: head.size };
}

/** Builds a tiny image and pushes it as `<repository>:<tag>`. */
export async function pushImage(
  registry: LocalRegistry,
  repository: string,
  tag: string,
  options: ImageOptions = {},
): Promise<PushedImage> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'rampart-image-'));
  try {
    const built = await buildImage(workDir, tag, options);
    return await pushLayout(registry, built.layout, built.tag, repository, tag, options.format ?? 'oci');
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Writes an OCI image index over already pushed manifests (same repository) and tags it.
 * Platforms come from `platforms[i]` or default to linux/amd64, linux/arm64, ….
 */
export async function pushIndex(
  registry: LocalRegistry,
  repository: string,
  tag: string,
  manifests: readonly PushedImage[],
  platforms: readonly { architecture: string; os: string }[] = [],
  /** `MEDIA_TYPES.dockerList` writes a Docker manifest list instead of an OCI index */
  mediaType: string = MEDIA_TYPES.ociIndex,
): Promise<PushedImage> {
  const defaults = ['amd64', 'arm64', 'ppc64le', 's390x'];
  const index = {
    schemaVersion: 2,
    mediaType,
    manifests: manifests.map((manifest, position) => ({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.size,
      platform: platforms[position] ?? { architecture: defaults[position] ?? 'amd64', os: 'linux' },
    })),
  };
  const body = Buffer.from(JSON.stringify(index));
  return putManifest(registry, repository, tag, body, mediaType);
}
