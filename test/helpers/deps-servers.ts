/**
 * Real remotes for `rampart deps` tests, all on 127.0.0.1: a Helm HTTP repository (a node server
 * serving `index.yaml` and `.tgz` charts packed here, as `helm package` lays them out) and git
 * repositories served by `git daemon`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { startServer, type TestServer } from './http-servers.js';
import { tarBytes, type TarMember } from './oci-layout.js';
import { freePort, pushBlob, putManifest, type LocalRegistry } from './registry.js';

const run = promisify(execFile);

/** A chart archive: `<name>/Chart.yaml` (unless `files` has its own) plus `files` under `<name>/`. */
export function packChart(name: string, version: string, files: Readonly<Record<string, string>> = {}, extra: readonly TarMember[] = []): Buffer {
  const members: TarMember[] = [
    ...(files['Chart.yaml'] === undefined ? [{ name: `${name}/Chart.yaml`, content: `apiVersion: v2\nname: ${name}\nversion: ${version}\n` }] : []),
    ...Object.entries(files).map(([file, content]) => ({ name: `${name}/${file}`, content })),
    ...extra,
  ];
  return gzipSync(tarBytes(members));
}

export interface ChartRepository extends TestServer {
  /** adds (or republishes) a chart version; the index is rebuilt */
  publish(name: string, version: string, archive: Buffer, options?: { withDigest?: boolean; provenance?: string }): void;
  /** requests for `path` so far */
  hits(pathPrefix: string): number;
}

/** A Helm chart repository over HTTP; `auth` makes it require basic auth. */
export async function startChartRepository(auth?: { username: string; password: string }): Promise<ChartRepository> {
  const files = new Map<string, Buffer>();
  const entries = new Map<string, Array<{ version: string; urls: string[]; digest?: string }>>();
  const rebuild = (): void => {
    const index = { apiVersion: 'v1', entries: Object.fromEntries([...entries].map(([name, list]) => [name, list.map((entry) => ({ name, ...entry }))])) };
    files.set('/index.yaml', Buffer.from(stringify(index)));
  };
  rebuild();
  const server = await startServer((request, response) => {
    if (auth) {
      const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      if (request.headers.authorization !== expected) {
        response.statusCode = 401;
        response.end();
        return;
      }
    }
    const body = files.get((request.url ?? '').split('?')[0] ?? '');
    if (!body) {
      response.statusCode = 404;
      response.end();
      return;
    }
    response.setHeader('content-length', body.length);
    response.end(body);
  });
  return Object.assign(server, {
    publish(name: string, version: string, archive: Buffer, options: { withDigest?: boolean; provenance?: string } = {}): void {
      const file = `${name}-${version}.tgz`;
      files.set(`/${file}`, archive);
      if (options.provenance === undefined) files.delete(`/${file}.prov`);
      else files.set(`/${file}.prov`, Buffer.from(options.provenance));
      const list = (entries.get(name) ?? []).filter((entry) => entry.version !== version);
      const digest = createHash('sha256').update(archive).digest('hex');
      list.push({ version, urls: [file], ...(options.withDigest === false ? {} : { digest }) });
      entries.set(name, list);
      rebuild();
    },
    hits(pathPrefix: string): number {
      return server.requests.filter((request) => request.url.startsWith(pathPrefix)).length;
    },
  });
}

export interface GitServer {
  /** `git://127.0.0.1:<port>` */
  readonly url: string;
  readonly base: string;
  stop(): Promise<void>;
}

/** `git daemon` serving every repository under `base` on 127.0.0.1. */
export async function startGitDaemon(base: string): Promise<GitServer> {
  // the free port can be taken by another test's server before the daemon binds it: then start again elsewhere
  for (let start = 0; start < 5; start += 1) {
    const port = await freePort();
    const daemon: ChildProcess = spawn('git', ['daemon', '--reuseaddr', '--export-all', '--listen=127.0.0.1', `--port=${port}`, `--base-path=${base}`, base], { stdio: 'ignore' });
    const url = `git://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 100 && daemon.exitCode === null; attempt += 1) {
      try {
        await run('git', ['ls-remote', `${url}/none`], { timeout: 2000 });
      } catch (error) {
        // only git daemon answers a missing repository so
        if (/not found|does not appear|no such|access denied|remote error/i.test(String((error as { stderr?: string }).stderr ?? ''))) {
          return { url, base, stop: async () => { daemon.kill(); } };
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    daemon.kill();
  }
  throw new Error(`git daemon for ${base} did not start`);
}

/** A git repository under `base/name.git` (a work tree at `base/name`), committed with `files`; returns the commit. */
export interface CommitOptions {
  readonly force?: boolean;
  /** sign the commit (and make the tag annotated and signed): git `-c` settings (`gpg.format=ssh`, `user.signingkey=…`) and environment */
  readonly sign?: { readonly config: readonly string[]; readonly env?: Readonly<Record<string, string>>; readonly commit?: boolean; readonly tag?: boolean };
}

export async function commitFiles(base: string, name: string, files: Readonly<Record<string, string>>, tag?: string, options: CommitOptions = {}): Promise<string> {
  const work = path.join(base, name);
  const signing = (options.sign?.config ?? []).flatMap((setting) => ['-c', setting]);
  const git = (...args: string[]): Promise<{ stdout: string }> => run('git', ['-C', work, ...signing, ...args], {
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1', HOME: base, ...options.sign?.env },
  });
  await mkdir(work, { recursive: true });
  await run('git', ['init', '-q', '-b', 'main', work]).catch(() => undefined);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), content);
  }
  await git('add', '-A');
  await git('commit', '-q', '--allow-empty', ...(options.sign && options.sign.commit !== false ? ['-S'] : []), '-m', `commit ${Object.keys(files).join(' ')}`);
  if (tag) await git('tag', ...(options.force ? ['-f'] : []), ...(options.sign?.tag ? ['-s', '-m', `release ${tag}`] : []), tag);
  // serve a bare mirror: git daemon reads `<base>/<name>.git`
  const bare = path.join(base, `${name}.git`);
  await run('git', ['clone', '-q', '--mirror', work, bare]).catch(async () => {
    await run('git', ['-C', bare, 'fetch', '-q', '--force', work, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']);
  });
  return (await git('rev-parse', 'HEAD')).stdout.trim();
}

/** Writes `files` (path → text) under `root` and returns `root`. */
export async function writeTree(root: string, files: Readonly<Record<string, string>>): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  return root;
}

/** A Flux `HelmRepository` (default name `charts`) in flux-system (`oci://` URLs get `type: oci`). */
export function fluxHelmRepository(url: string, name = 'charts'): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: ${name}, namespace: flux-system}
spec:
${url.startsWith('oci://') ? '  type: oci\n' : ''}  url: ${url}
`;
}

/** A Flux `HelmRelease` of `chart` from a HelmRepository (default `charts`), after a `---`; `values` is indented YAML under spec. */
export function fluxHelmRelease(name: string, chart: string, version: string, values = '', repository = 'charts'): string {
  return `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ${name}, namespace: apps}
spec:
  chart:
    spec:
      chart: ${chart}
      version: ${version}
      sourceRef: {kind: HelmRepository, name: ${repository}, namespace: flux-system}
${values}`;
}

/** A GnuPG home with one new ed25519 signing key, and that key exported (the `--keyring` file). */
export async function gpgSigner(directory: string, name: string): Promise<{ home: string; keyring: string; email: string }> {
  const home = path.join(directory, `gnupg-${name}`);
  const email = `${name}@example.com`;
  await mkdir(home, { recursive: true, mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: home };
  await run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', `${name} <${email}>`, 'ed25519', 'sign', 'never'], { env });
  const keyring = path.join(directory, `${name}.gpg`);
  const exported = await run('gpg', ['--batch', '--export', email], { env, encoding: 'buffer' });
  await writeFile(keyring, exported.stdout);
  return { home, keyring, email };
}

/** A Helm provenance file as `helm package --sign` writes it: Chart.yaml, `...`, the archive's sha256, clear-signed. */
export async function helmProvenance(signer: { home: string; email: string }, name: string, version: string, archive: Buffer): Promise<string> {
  const body = `apiVersion: v2\nname: ${name}\nversion: ${version}\n\n...\nfiles:\n  ${name}-${version}.tgz: sha256:${createHash('sha256').update(archive).digest('hex')}\n`;
  const signed = await new Promise<string>((resolve, reject) => {
    const child = spawn('gpg', ['--batch', '--yes', '--local-user', signer.email, '--clearsign'], { env: { ...process.env, GNUPGHOME: signer.home } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`gpg --clearsign exited ${code}`))));
    child.stdin.end(body);
  });
  return signed;
}

const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const HELM_CHART = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** Pushes a chart as `helm push` does: an OCI manifest with Helm's config and chart-content media types; the manifest digest. */
export async function pushHelmChart(registry: LocalRegistry, repository: string, tag: string, archive: Buffer, version: string): Promise<string> {
  const config = Buffer.from(JSON.stringify({ apiVersion: 'v2', name: repository.split('/').pop(), version }));
  const [configDigest, layerDigest] = await Promise.all([pushBlob(registry, repository, config), pushBlob(registry, repository, archive)]);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: HELM_CONFIG, digest: configDigest, size: config.length },
    layers: [{ mediaType: HELM_CHART, digest: layerDigest, size: archive.length }],
    annotations: { 'org.opencontainers.image.title': repository.split('/').pop(), 'org.opencontainers.image.version': version },
  }));
  return (await putManifest(registry, repository, tag, manifest, 'application/vnd.oci.image.manifest.v1+json')).digest;
}
