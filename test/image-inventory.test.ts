import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectImage, type InspectedImage } from '../src/image/inspect-image.js';
import { runCli } from './helpers/cli.js';
import { buildLayeredImage } from './helpers/image-build.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

let work: string;
let layout: string;
let image: InspectedImage;
/** the dpkg stanzas put in the image: this machine's own, for a handful of real packages */
let statusText: string;
const DEB_PACKAGES = ['base-files', 'login', 'zstd', 'libzstd1'];

async function stanzasOf(names: readonly string[]): Promise<string> {
  const status = await readFile('/var/lib/dpkg/status', 'utf8');
  return status.split(/\n\n+/).filter((stanza) => names.includes(/^Package: (.*)$/m.exec(stanza)?.[1] ?? '')).join('\n\n');
}

async function goBinary(directory: string): Promise<Buffer> {
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'go.mod'), 'module example.com/hello\n\ngo 1.19\n');
  await writeFile(path.join(directory, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n');
  const env = { ...process.env, GOCACHE: path.join(directory, 'cache'), GOPATH: path.join(directory, 'gopath'), GOFLAGS: '-mod=mod', GOPROXY: 'off', CGO_ENABLED: '0' };
  await run('go', ['build', '-o', 'hello', '.'], { cwd: directory, env });
  return readFile(path.join(directory, 'hello'));
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-inventory-'));
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
  statusText = await stanzasOf(DEB_PACKAGES);
  const removed = 'Package: oldpkg\nStatus: deinstall ok config-files\nVersion: 1.0\nArchitecture: amd64\n';
  const root = path.join(here, '..', 'node_modules');
  const hello = await goBinary(path.join(work, 'go'));
  layout = await buildLayeredImage(work, 'inventory', 'v1', [
    {
      files: {
        'etc/os-release': await readFile('/etc/os-release', 'utf8'),
        'var/lib/dpkg/status': `${statusText}\n\n${removed}`,
        'lib/apk/db/installed': 'C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\nL:MIT\n\nC:Q1def=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\nL:Apache-2.0\n',
        'usr/lib/node_modules/picocolors/package.json': await readFile(path.join(root, 'picocolors', 'package.json')),
        'usr/lib/node_modules/@sigstore/core/package.json': await readFile(path.join(root, '@sigstore', 'core', 'package.json')),
        'usr/lib/node_modules/left-pad/package.json': '{"name":"left-pad","version":"1.3.0"}',
        'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA': await readFile('/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA'),
        'usr/local/bin/hello': hello,
      },
      modes: { 'usr/local/bin/hello': 0o755 },
    },
    // a later layer removes one npm package: the squashed view no longer has it
    { remove: ['usr/lib/node_modules/left-pad'] },
  ]);
  image = (await inspectImage(layout)).images[0]!;
}, 180_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('package inventory', () => {
  it('lists the dpkg packages dpkg-query itself lists as installed, with source packages and the distro from os-release', async () => {
    const admin = path.join(work, 'dpkg-admin');
    await mkdir(path.join(admin, 'updates'), { recursive: true });
    await mkdir(path.join(admin, 'info'), { recursive: true });
    await writeFile(path.join(admin, 'status'), `${statusText}\n\nPackage: oldpkg\nStatus: deinstall ok config-files\nVersion: 1.0\nArchitecture: amd64\n`);
    await writeFile(path.join(admin, 'available'), '');
    const { stdout } = await run('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${db:Status-Abbrev}|${Package}|${Version}|${Architecture}|${source:Package}|${source:Version}\n']);
    const expected = stdout.trim().split('\n').filter((line) => line.startsWith('ii')).map((line) => line.split('|').slice(1)).sort();
    const debs = image.inventory.packages.filter((pkg) => pkg.type === 'deb');
    expect(debs.map((pkg) => [pkg.name, pkg.version, pkg.arch ?? '', pkg.source?.name ?? '', pkg.source?.version ?? '']).sort()).toEqual(expected);
    expect(expected).toHaveLength(DEB_PACKAGES.length);
    const osRelease = await readFile('/etc/os-release', 'utf8');
    const id = /^ID=(.*)$/m.exec(osRelease)?.[1]?.replace(/"/g, '');
    const versionId = /^VERSION_ID=(.*)$/m.exec(osRelease)?.[1]?.replace(/"/g, '');
    expect(image.inventory.os?.id).toBe(id);
    const zstd = debs.find((pkg) => pkg.name === 'zstd')!;
    expect(zstd.purl).toBe(`pkg:deb/${id}/zstd@${encodeURIComponent(zstd.version)}?arch=${zstd.arch}&distro=${id}-${versionId}${zstd.source?.name !== 'zstd' ? `&upstream=${zstd.source?.name}` : ''}`);
    expect(zstd).toMatchObject({ layer: 0, path: 'var/lib/dpkg/status', foundBy: 'dpkg' });
  });

  it('reads apk, npm (only what the squashed view still holds), python and Go build info', async () => {
    const byType = (type: string): string[] => image.inventory.packages.filter((pkg) => pkg.type === type).map((pkg) => `${pkg.name}@${pkg.version}`);
    expect(byType('apk')).toEqual(['libcrypto3@3.1.4-r5', 'musl@1.2.4-r2']);
    const picocolors = JSON.parse(await readFile(path.join(here, '..', 'node_modules', 'picocolors', 'package.json'), 'utf8')) as { version: string };
    const sigstore = JSON.parse(await readFile(path.join(here, '..', 'node_modules', '@sigstore', 'core', 'package.json'), 'utf8')) as { version: string };
    expect(byType('npm')).toEqual([`@sigstore/core@${sigstore.version}`, `picocolors@${picocolors.version}`]);
    expect(image.inventory.packages.find((pkg) => pkg.name === '@sigstore/core')?.purl).toBe(`pkg:npm/%40sigstore/core@${sigstore.version}`);
    expect(byType('pypi')).toEqual(['pyyaml@6.0']);
    const apk = image.inventory.packages.find((pkg) => pkg.name === 'libcrypto3')!;
    expect(apk.source?.name).toBe('openssl');
    // the Go toolchain says what the binary holds
    const { stdout } = await run('go', ['version', '-m', path.join(work, 'go', 'hello')]);
    const goVersion = /: go(\S+)/.exec(stdout)?.[1];
    const main = /^\s+mod\s+(\S+)\s+(\S+)/m.exec(stdout);
    const golang = image.inventory.packages.filter((pkg) => pkg.type === 'golang');
    expect(golang.map((pkg) => `${pkg.name}@${pkg.version}`).sort()).toEqual([`${main?.[1]}@${main?.[2]}`, `stdlib@${goVersion}`].sort());
    expect(golang.find((pkg) => pkg.name === 'stdlib')?.purl).toBe(`pkg:golang/stdlib@${goVersion}`);
    expect(golang[0]).toMatchObject({ path: 'usr/local/bin/hello', layer: 0 });
  });
});

describe('SBOM output', () => {
  const schemas = path.join(here, 'schemas');
  async function validator(file: string, extra: readonly string[] = []): Promise<ReturnType<Ajv['compile']>> {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, logger: false });
    addFormats(ajv);
    for (const name of extra) ajv.addSchema(JSON.parse(await readFile(path.join(schemas, name), 'utf8')) as object, `http://cyclonedx.org/schema/${name}`);
    return ajv.compile(JSON.parse(await readFile(path.join(schemas, file), 'utf8')) as object);
  }

  it('writes CycloneDX 1.6 that validates against the official schema, the image as a container, each package with layer and path', async () => {
    const result = await runCli(['image', layout, '-f', 'cyclonedx']);
    expect(result.code).toBe(0);
    const bom = JSON.parse(result.stdout) as { specVersion: string; metadata: { component: { type: string; purl: string } }; components: Array<{ type: string; name: string; purl?: string; properties?: Array<{ name: string; value: string }> }> };
    const validate = await validator('bom-1.6.SNAPSHOT.schema.json', ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']);
    expect(validate(bom), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(bom.specVersion).toBe('1.6');
    expect(bom.metadata.component.type).toBe('container');
    expect(bom.metadata.component.purl).toMatch(/^pkg:oci\/inventory@sha256%3A[0-9a-f]{64}\?arch=amd64$/);
    expect(bom.components.some((component) => component.type === 'operating-system')).toBe(true);
    const zstd = bom.components.find((component) => component.name === 'zstd');
    expect(zstd?.properties).toEqual(expect.arrayContaining([{ name: 'rampart:location:0:path', value: '/var/lib/dpkg/status' }, { name: 'rampart:location:0:layerIndex', value: '0' }]));
  });

  it('writes SPDX 2.3 that validates against the official schema, with DESCRIBES and CONTAINS relationships', async () => {
    const result = await runCli(['image', layout, '-f', 'spdx']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { packages: Array<{ SPDXID: string; name: string; primaryPackagePurpose?: string; externalRefs?: Array<{ referenceLocator: string }> }>; relationships: Array<{ relationshipType: string }> };
    const validate = await validator('spdx-2.3.schema.json');
    expect(validate(document), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(document.packages[0]?.primaryPackagePurpose).toBe('CONTAINER');
    expect(document.packages.length).toBe(image.inventory.packages.length + 1);
    expect(document.relationships.filter((relationship) => relationship.relationshipType === 'CONTAINS')).toHaveLength(image.inventory.packages.length);
    expect(document.packages.find((pkg) => pkg.name === 'picocolors')?.externalRefs?.[0]?.referenceLocator).toMatch(/^pkg:npm\/picocolors@/);
  });
});
