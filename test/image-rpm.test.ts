import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../src/image/inspect-image.js';
import { runCli } from './helpers/cli.js';
import { buildLayeredImage } from './helpers/image-build.js';
import { buildTestRpms, installIntoSqliteDb, ndbPackages, rpmQueryAll, rpmQueryFiles, sqliteHeaderBlobs, writeBdbPackages, type RpmQueryRow } from './helpers/rpm-build.js';

interface JsonPackage { type: string; name: string; version: string; purl: string; source?: { name: string; version?: string }; path: string; layer: number }
interface JsonReport { diagnostics: Array<{ kind: string; message: string }>; images: Array<{ packages: JsonPackage[] }> }

let work: string;
let sqliteDb: string;
let bdbDb: string;
/** what rpm itself says the SQLite database holds: the ndb file is written from the same headers */
let expected: RpmQueryRow[];
const layouts: Record<'sqlite' | 'bdb' | 'ndb', string> = { sqlite: '', bdb: '', ndb: '' };

const osRelease = (id: string, version: string): string => `NAME="${id}"\nID="${id}"\nVERSION_ID="${version}"\nPRETTY_NAME="${id} ${version}"\n`;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-rpm-'));
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
  const rpms = await buildTestRpms(work);
  sqliteDb = path.join(work, 'db-sqlite');
  await installIntoSqliteDb(sqliteDb, rpms);
  const headers = await sqliteHeaderBlobs(path.join(sqliteDb, 'rpmdb.sqlite'));
  bdbDb = path.join(work, 'db-bdb');
  await mkdir(bdbDb);
  // small pages: most headers go to overflow chains
  await writeBdbPackages(path.join(bdbDb, 'Packages'), headers, 512);
  expected = await rpmQueryAll(sqliteDb);
  layouts.sqlite = await buildLayeredImage(work, 'fedora', 'v1', [
    { files: { 'etc/os-release': osRelease('fedora', '40'), 'usr/lib/sysimage/rpm/rpmdb.sqlite': await readFile(path.join(sqliteDb, 'rpmdb.sqlite')) } },
  ]);
  layouts.bdb = await buildLayeredImage(work, 'centos', 'v1', [
    { files: { 'etc/os-release': osRelease('centos', '7'), 'var/lib/rpm/Packages': await readFile(path.join(bdbDb, 'Packages')) } },
  ]);
  layouts.ndb = await buildLayeredImage(work, 'suse', 'v1', [
    { files: { 'etc/os-release': osRelease('opensuse-leap', '15.5'), 'usr/lib/sysimage/rpm/Packages.db': ndbPackages(headers) } },
  ]);
}, 240_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function imagePackages(layout: string): Promise<JsonPackage[]> {
  const result = await runCli(['image', `${layout}:v1`, '-f', 'json', '--no-cache']);
  const report = JSON.parse(result.stdout) as JsonReport;
  expect(report.diagnostics.filter((diagnostic) => diagnostic.kind === 'incomplete')).toEqual([]);
  expect(result.code).toBe(0);
  return report.images[0]!.packages.filter((pkg) => pkg.type === 'rpm');
}

const asRows = (rows: readonly RpmQueryRow[]): string[] => rows.map((row) => `${row.name} ${row.epoch ?? '-'} ${row.version} ${row.arch} ${row.sourceRpm}`).sort();

describe('rpm databases in images', () => {
  it('Berkeley DB: rpm itself (bdb_ro) reads the same packages from the hash file as from SQLite', async () => {
    expect(asRows(await rpmQueryAll(bdbDb, 'bdb_ro'))).toEqual(asRows(expected));
    expect(expected.length).toBeGreaterThan(20);
  });

  for (const [backend, distro, dbPath] of [['sqlite', 'fedora-40', 'usr/lib/sysimage/rpm/rpmdb.sqlite'], ['bdb', 'centos-7', 'var/lib/rpm/Packages'], ['ndb', 'opensuse-leap-15.5', 'usr/lib/sysimage/rpm/Packages.db']] as const) {
    it(`${backend}: rampart image lists what rpm -qa lists, with epoch, arch, source rpm and distro in the purl`, async () => {
      const packages = await imagePackages(layouts[backend]);
      const namespace = distro.replace(/-[^-]*$/, '');
      const rows = packages.map((pkg) => {
        const purl = new URL(pkg.purl.replace(/^pkg:/, 'pkg://x/'));
        expect(pkg.purl.startsWith(`pkg:rpm/${namespace}/${pkg.name}@`)).toBe(true);
        expect(purl.searchParams.get('distro')).toBe(distro);
        expect(pkg).toMatchObject({ path: dbPath, layer: 0 });
        return `${pkg.name} ${purl.searchParams.get('epoch') ?? '-'} ${decodeURIComponent(pkg.version)} ${purl.searchParams.get('arch')} ${purl.searchParams.get('upstream')}`;
      });
      expect(rows.sort()).toEqual(asRows(expected));
      const tool = packages.find((pkg) => pkg.name === 'demo-tool')!;
      expect(tool.purl).toBe(`pkg:rpm/${namespace}/demo-tool@1.4.0-3.el9?arch=x86_64&distro=${distro}&epoch=2&upstream=demo-tool-1.4.0-3.el9.src.rpm`);
      expect(tool.source).toEqual({ name: 'demo-tool', version: '1.4.0-3.el9' });
      expect(packages.find((pkg) => pkg.name === 'plain-data')!.purl).toBe(`pkg:rpm/${namespace}/plain-data@1.4.0-3.el9?arch=noarch&distro=${distro}&upstream=plain-data-1.4.0-3.el9.src.rpm`);
    });
  }

  it('keeps every file of every package with the digest, mode and flags rpm recorded (the file model the tampering checks read)', async () => {
    const image = (await inspectImage(`${layouts.bdb}:v1`, { cacheDirectory: false })).images[0]!;
    const oracle = await rpmQueryFiles(sqliteDb);
    const ours = image.inventory.packages.flatMap((pkg) => (pkg.files ?? []).map((file) => {
      // rpm prints FILEFLAGS as a number: config is bit 0, ghost bit 6 (the rest are not kept)
      const flags = (file.config ? 1 : 0) | (file.ghost ? 64 : 0);
      return `${pkg.name}\t${file.path}\t${file.digest?.value ?? ''}\t${file.mode}\t${flags}`;
    })).sort();
    const kept = oracle.map((line) => {
      const [name, file, digest, mode, flags] = line.split('\t') as [string, string, string, string, string];
      return `${name}\t${file}\t${digest}\t${mode}\t${Number(flags) & 65}`;
    }).sort();
    expect(ours).toEqual(kept);
    expect(ours.length).toBeGreaterThan(400);
    const tool = image.inventory.packages.find((pkg) => pkg.name === 'demo-tool')!;
    expect(tool.files?.find((file) => file.path === '/etc/demo-tool/demo-tool.conf')).toMatchObject({ config: true, digest: { algorithm: 'sha256' } });
    expect(tool.files?.find((file) => file.path === '/var/log/demo-tool.log')).toMatchObject({ ghost: true });
    expect(tool.files?.find((file) => file.path === '/usr/share/demo-tool/link')).toMatchObject({ linkTarget: '../bin/demo-tool' });
    expect(tool).toMatchObject({ licenses: ['MIT and BSD'], vendor: 'Rampart Tests', epoch: '2' });
  });

  it('a damaged rpm database is an incomplete run naming the file, not a crash, and the rest of the image is still read', async () => {
    const database = await readFile(path.join(sqliteDb, 'rpmdb.sqlite'));
    const cut = database.subarray(0, Math.floor(database.length / 2));
    const layout = await buildLayeredImage(work, 'damaged', 'v1', [
      { files: { 'etc/os-release': osRelease('fedora', '40'), 'var/lib/rpm/rpmdb.sqlite': cut, 'lib/apk/db/installed': 'P:musl\nV:1.2.4-r2\n' } },
    ]);
    const result = await runCli(['image', `${layout}:v1`, '-f', 'json', '--no-cache']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.diagnostics.map((diagnostic) => `${diagnostic.kind}: ${diagnostic.message}`).join('\n')).toMatch(/incomplete: rpm database var\/lib\/rpm\/rpmdb\.sqlite: .*(truncated|outside)/);
    expect(report.images[0]!.packages.map((pkg) => pkg.name)).toEqual(['musl']);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
