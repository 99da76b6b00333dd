/**
 * An image made of real Debian packages: the `.deb` files in test/fixtures/debs (see its README),
 * unpacked with dpkg-deb and recorded the way dpkg records them. What Rampart reads from the image
 * is checked against what dpkg itself says about the same root (`dpkg-query --admindir`,
 * `dpkg --root --verify`), not against a list typed here.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImage } from '../src/image/malware/analyze-image.js';
import type { ImageInspection } from '../src/image/inspect-image.js';
import { installDebs, type InstalledDeb } from './helpers/debian-rootfs.js';
import { buildLayeredImage, run } from './helpers/image-build.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEBS = path.join(here, 'fixtures', 'debs');
/** a packaged library a later layer patches, and a conffile it edits */
const PATCHED = 'lib/x86_64-linux-gnu/libcap-ng.so.0.0.0';
const EDITED = 'etc/services';
/** the release the .debs come from */
const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';

let work: string;
let root: string;
let installed: InstalledDeb[];
let clean: ImageInspection;
let tampered: ImageInspection;
let tamperedLayout: string;

/** dpkg's own view of an admin directory: `[package, version, arch, source, source version]` of each installed package */
async function dpkgQuery(admin: string): Promise<string[][]> {
  const { stdout } = await run('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${db:Status-Abbrev}|${Package}|${Version}|${Architecture}|${source:Package}|${source:Version}\n']);
  return stdout.trim().split('\n').filter((line) => line.startsWith('ii')).map((line) => line.split('|').slice(1)).sort();
}

/** `dpkg --root ROOT --verify`: `[path, conffile]` of each file whose md5 is not the packaged one */
async function dpkgVerify(rootDir: string): Promise<Array<[string, boolean]>> {
  const { stdout } = await run('sh', ['-c', 'dpkg --root="$1" --verify || true', 'sh', rootDir]);
  return stdout.trim().split('\n').filter(Boolean).map((line): [string, boolean] => {
    const [, flag, file] = /^\S+ (.) (\/.*)$/.exec(line)!;
    return [file!.slice(1), flag === 'c'];
  }).sort();
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-debs-'));
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
  const debs = (await readdir(DEBS)).filter((name) => name.endsWith('.deb')).sort().map((name) => path.join(DEBS, name));
  root = path.join(work, 'root');
  installed = await installDebs(root, debs);
  const base = { trees: [root], files: { 'etc/os-release': OS_RELEASE }, createdBy: 'ADD debs /' };
  const original = await readFile(path.join(root, PATCHED));
  const patched = Buffer.from(original);
  patched[patched.length >> 1] = patched[patched.length >> 1]! ^ 0x01;
  const services = `${await readFile(path.join(root, EDITED), 'utf8')}backdoor\t31337/tcp\n`;
  const cleanLayout = await buildLayeredImage(work, 'debs', 'v1', [base]);
  tamperedLayout = await buildLayeredImage(work, 'debs-tampered', 'v1', [base, { files: { [PATCHED]: patched, [EDITED]: services }, createdBy: 'RUN patch libcap-ng && edit services' }]);
  clean = await analyzeImage(cleanLayout, { cacheDirectory: false });
  tampered = await analyzeImage(tamperedLayout, { cacheDirectory: false });
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('an image built from real .deb files', () => {
  it('lists the packages dpkg-query lists, with version, architecture and source package', async () => {
    const expected = await dpkgQuery(path.join(root, 'var/lib/dpkg'));
    expect(expected.map(([name]) => name)).toEqual(installed.map((deb) => deb.name).sort());
    // the fixtures hold a package built from a differently named source, and a binNMU whose source version differs
    expect(expected.some(([name, , , source]) => source !== name)).toBe(true);
    expect(expected.some(([, version, , , sourceVersion]) => sourceVersion !== version)).toBe(true);
    const image = clean.images[0]!;
    const debs = image.inventory.packages.filter((pkg) => pkg.type === 'deb');
    expect(debs.map((pkg) => [pkg.name, pkg.version, pkg.arch ?? '', pkg.source?.name ?? pkg.name, pkg.source?.version ?? pkg.version]).sort()).toEqual(expected);
    expect(image.inventory.os?.id).toBe('debian');
    for (const pkg of debs) expect(pkg).toMatchObject({ layer: 0, path: 'var/lib/dpkg/status', foundBy: 'dpkg' });
    const attr = debs.find((pkg) => pkg.source?.name === 'attr');
    expect(attr?.purl).toBe(`pkg:deb/debian/${attr?.name}@${encodeURIComponent(attr!.version)}?arch=amd64&distro=debian-12&upstream=attr`);
  });

  it('keeps each package\'s files with the md5 digests of its md5sums, conffiles as config, as dpkg recorded them', async () => {
    const admin = path.join(root, 'var/lib/dpkg');
    for (const deb of installed) {
      const pkg = clean.images[0]!.inventory.packages.find((candidate) => candidate.type === 'deb' && candidate.name === deb.name)!;
      const md5sums = await readFile(path.join(admin, 'info', `${deb.infoName}.md5sums`), 'utf8');
      const listed = md5sums.trim().split('\n').map((line) => `${line.slice(0, 32)} /${line.slice(34)}`);
      const { stdout: conffiles } = await run('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${Conffiles}', deb.name]);
      const config = conffiles.trim().split('\n').filter(Boolean).map((line) => line.trim().split(/\s+/)).map(([file, digest]) => `${digest} ${file} config`);
      const ours = (pkg.files ?? []).map((file) => `${file.digest?.value} ${file.path}${file.config ? ' config' : ''}`);
      expect(ours.sort()).toEqual([...listed, ...config].sort());
    }
  });

  it('finds no tampering where dpkg --verify finds none', async () => {
    expect(await dpkgVerify(root)).toEqual([]);
    expect(clean.findings.map((finding) => `${finding.ruleId} ${finding.location.path}`)).toEqual([]);
    expect(clean.complete).toBe(true);
  });

  it('reports the files a later layer changed, as dpkg --verify does on the unpacked image: a library critical, a conffile info', async () => {
    const bundle = path.join(work, 'tampered-bundle');
    await run('umoci', ['unpack', '--rootless', '--image', `${tamperedLayout}:v1`, bundle]);
    const verified = await dpkgVerify(path.join(bundle, 'rootfs'));
    expect(verified).toEqual([[EDITED, true], [PATCHED, false]]);
    const findings = tampered.findings.filter((finding) => finding.ruleId === 'image-tampered-package-file');
    expect(findings.map((finding): [string, boolean] => [finding.location.path, finding.properties?.['conffile'] === true]).sort()).toEqual(verified);
    const library = findings.find((finding) => finding.location.path === PATCHED);
    expect(library?.severity).toBe('critical');
    expect(library?.properties).toMatchObject({ package: 'libcap-ng0', packageType: 'deb', digestAlgorithm: 'md5', layer: 1, historyStep: 'RUN patch libcap-ng && edit services' });
    expect(findings.find((finding) => finding.location.path === EDITED)?.severity).toBe('info');
  });
});
