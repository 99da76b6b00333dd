import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { buildLayeredImage } from './helpers/image-build.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures', 'osv');

let work: string;
let database: string;
let debianImage: string;
let alpineImage: string;

const DEBIAN_STATUS = [
  'Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.11-1~deb12u2\n',
  'Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u2\n',
  'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n',
].join('\n');

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  location: { path: string };
  properties: Record<string, string | number | boolean>;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-vuln-'));
  process.env['XDG_CACHE_HOME'] = path.join(work, 'cache');
  database = path.join(work, 'vulndb');
  debianImage = await buildLayeredImage(work, 'debian-app', 'v1', [
    {
      files: {
        'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
        'var/lib/dpkg/status': DEBIAN_STATUS,
      },
      createdBy: 'FROM debian:12',
    },
    {
      files: {
        'app/node_modules/minimist/package.json': '{"name":"minimist","version":"1.2.5"}',
        'app/node_modules/left-pad/package.json': '{"name":"left-pad","version":"1.3.0"}',
        'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n',
      },
      createdBy: 'COPY app /app',
    },
  ]);
  alpineImage = await buildLayeredImage(work, 'alpine-app', 'v1', [
    {
      files: {
        'etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n',
        'lib/apk/db/installed': 'C:Q1abc=\nP:libcrypto3\nV:3.3.1-r0\nA:x86_64\no:openssl\n\nC:Q1def=\nP:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n',
      },
    },
  ]);
}, 180_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('rampart db', () => {
  it('says there is no database before anything is imported (exit 2)', async () => {
    const result = await runCli(['db', 'status', '--db', database]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no vulnerability database in .*rampart db import/);
  });

  it('imports a directory tree of OSV JSON and YAML, naming a broken file and going on', async () => {
    const result = await runCli(['db', 'import', '--db', database, fixtures]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`skipped ${path.join(fixtures, 'npm', 'broken.json')}: not valid JSON`);
    expect(result.stdout).toMatch(/^Alpine: 1 records, newest modified 2026-11-22T08:00:00Z, releases Alpine:v3.20$/m);
    expect(result.stdout).toMatch(/^Debian: 4 records, newest modified 2026-11-21T10:00:00Z, releases Debian:11, Debian:12$/m);
    expect(result.stdout).toMatch(/^npm: 3 records \(1 withdrawn\), newest modified 2026-11-25T12:00:00Z$/m);
    expect(result.stdout).toMatch(/1 document was skipped/);
  });

  it('prints per ecosystem records, newest modified, import time and source', async () => {
    const result = await runCli(['db', 'status', '--db', database]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Debian: 4 records');
    expect(result.stdout).toContain('releases: Debian:11, Debian:12');
    expect(result.stdout).toContain(`from ${fixtures}`);
    const json = JSON.parse((await runCli(['db', 'status', '--db', database, '-f', 'json'])).stdout) as { ecosystems: Record<string, { records: number; importedAt: string; sources: string[] }> };
    expect(json.ecosystems['npm']).toMatchObject({ records: 3, sources: [fixtures] });
    expect(Date.parse(json.ecosystems['npm']!.importedAt)).toBeGreaterThan(Date.now() - 600_000);
  });

  it('imports an OSV all.zip (read with yauzl), replacing that ecosystem and keeping the others', async () => {
    const zipped = path.join(work, 'npm-all.zip');
    await run('zip', ['-q', '-j', zipped, path.join(fixtures, 'npm', 'GHSA-xvch-5gv4-984h.json'), path.join(fixtures, 'npm', 'GHSA-0000-withdrawn.json')]);
    const copy = path.join(work, 'zip-db');
    expect((await runCli(['db', 'import', '--db', copy, fixtures])).code).toBe(0);
    const result = await runCli(['db', 'import', '--db', copy, zipped]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^npm: 2 records \(1 withdrawn\)/m);
    const status = JSON.parse((await runCli(['db', 'status', '--db', copy, '-f', 'json'])).stdout) as { ecosystems: Record<string, { records: number; sources: string[] }> };
    expect(status.ecosystems['npm']).toMatchObject({ records: 2, sources: [zipped] });
    expect(status.ecosystems['Debian']).toMatchObject({ records: 4 });
  });

  it('refuses a path that does not exist, with the path in the message', async () => {
    const result = await runCli(['db', 'import', '--db', path.join(work, 'other-db'), path.join(work, 'missing.zip')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path.join(work, 'missing.zip')}: no such file or directory`);
  });
});

describe('rampart image with a vulnerability database', () => {
  it('matches Debian advisories by source package and release, npm by name; merges aliases; skips withdrawn; lists unchecked packages', async () => {
    const result = await runCli(['image', debianImage, '--db', database, '-f', 'json', '--fail-on', 'critical']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: JsonFinding[]; diagnostics: Array<{ kind: string; message: string }>; images: Array<{ vulnerabilities: { checked: number; unchecked: Array<{ ecosystem: string; packages: string[] }> } }> };
    const found = report.findings.filter((finding) => finding.ruleId === 'image-vulnerability');
    expect(found.map((finding) => `${finding.properties['package']} ${finding.properties['advisory']}`).sort()).toEqual([
      'left-pad GHSA-4444-4444-4444',
      'libssl3 DEBIAN-CVE-2023-5678',
      'minimist GHSA-xvch-5gv4-984h',
      'openssl DEBIAN-CVE-2023-5678',
    ]);
    const libssl = found.find((finding) => finding.properties['package'] === 'libssl3')!;
    expect(libssl).toMatchObject({ severity: 'medium', location: { path: 'var/lib/dpkg/status' } });
    expect(libssl.properties).toMatchObject({ aliases: 'CVE-2023-5678', installedVersion: '3.0.11-1~deb12u2', fixedVersion: '3.0.13-1~deb12u1', ecosystem: 'Debian:12', layer: 0, historyStep: 'FROM debian:12', cvssScore: 5.3 });
    expect(libssl.message).toBe('libssl3 (source openssl) 3.0.11-1~deb12u2 (Debian:12) is affected by DEBIAN-CVE-2023-5678 (CVE-2023-5678): Excessive time spent in DH check / generation with large Q parameter value; fixed in 3.0.13-1~deb12u1.');
    const minimist = found.find((finding) => finding.properties['package'] === 'minimist')!;
    expect(minimist).toMatchObject({ severity: 'critical', location: { path: 'app/node_modules/minimist/package.json' } });
    expect(minimist.properties).toMatchObject({ fixedVersion: '1.2.6', cvssScore: 9.8, layer: 1, historyStep: 'COPY app /app', purl: 'pkg:npm/minimist@1.2.5' });
    expect(found.find((finding) => finding.properties['package'] === 'left-pad')).toMatchObject({ severity: 'critical', properties: { cvssScore: 9.3 } });
    // zlib's only advisory is for Debian 11; six has no PyPI data: unchecked, not clean
    expect(report.images[0]!.vulnerabilities.checked).toBe(5);
    expect(report.images[0]!.vulnerabilities.unchecked).toEqual([{ ecosystem: 'PyPI', reason: 'no PyPI data in the vulnerability database', packages: ['six@1.16.0'] }]);
    expect(report.diagnostics).toContainEqual({ path: debianImage, kind: 'skipped', message: '1 PyPI package was not checked for vulnerabilities: no PyPI data in the vulnerability database (six@1.16.0)' });
  });

  it('matches Alpine advisories by origin package and release (the v is required)', async () => {
    const result = await runCli(['image', alpineImage, '--db', database, '-f', 'json']);
    const report = JSON.parse(result.stdout) as { findings: JsonFinding[] };
    expect(report.findings.map((finding) => `${finding.properties['package']} ${finding.properties['advisory']} ${finding.severity}`)).toEqual(['libcrypto3 ALPINE-CVE-2024-6119 high']);
    expect(result.code).toBe(1);
  });

  it('never says "no vulnerabilities" without a database: every package is reported unchecked', async () => {
    const result = await runCli(['image', debianImage, '--db', path.join(work, 'empty-db')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('0 known vulnerabilities in 0 packages checked, 6 not checked');
    expect(result.stdout).toContain('3 Debian:12 packages were not checked for vulnerabilities: no vulnerability database (rampart db import)');
  });

  it('fails on a database older than --max-db-age (exit 2), passes on a fresh enough one', async () => {
    const stale = await runCli(['image', alpineImage, '--db', database, '--max-db-age', '1d']);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/--max-db-age 1d: the Alpine vulnerability data is \d+ days old \(newest record modified 2026-11-22T08:00:00Z\)/);
    const fresh = await runCli(['image', alpineImage, '--db', database, '--max-db-age', '520w']);
    expect(fresh.code).toBe(1);
    const bad = await runCli(['image', alpineImage, '--max-db-age', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-db-age expects hours, days or weeks (36h, 7d, 2w), not "soon"');
  });

  it('writes the matches into SARIF and the CycloneDX vulnerabilities section', async () => {
    const sarif = JSON.parse((await runCli(['image', debianImage, '--db', database, '-f', 'sarif'])).stdout) as { runs: Array<{ results: Array<{ ruleId: string }>; tool: { driver: { rules: Array<{ id: string }> } } }> };
    expect(sarif.runs[0]!.results.filter((result) => result.ruleId === 'image-vulnerability')).toHaveLength(4);
    expect(sarif.runs[0]!.tool.driver.rules.map((rule) => rule.id)).toContain('image-vulnerability');
    const bom = JSON.parse((await runCli(['image', debianImage, '--db', database, '-f', 'cyclonedx'])).stdout) as { components: Array<{ 'bom-ref': string; name: string }>; vulnerabilities: Array<{ id: string; ratings: Array<{ score?: number; severity: string; method: string }>; affects: Array<{ ref: string }>; recommendation?: string }> };
    const minimist = bom.vulnerabilities.find((entry) => entry.id === 'GHSA-xvch-5gv4-984h')!;
    expect(minimist.ratings).toEqual([{ score: 9.8, severity: 'critical', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }]);
    expect(bom.components.find((component) => component['bom-ref'] === minimist.affects[0]!.ref)?.name).toBe('minimist');
    expect(minimist.recommendation).toBe('Upgrade minimist to 1.2.6 or later');
  });
});

describe('CycloneDX with vulnerabilities is valid against the 1.6 schema', () => {
  it('validates', async () => {
    const { Ajv } = await import('ajv');
    const addFormatsModule = await import('ajv-formats');
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: InstanceType<typeof Ajv>) => unknown;
    const schemas = path.join(here, 'schemas');
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) ajv.addSchema(JSON.parse(await readFile(path.join(schemas, name), 'utf8')) as object, `http://cyclonedx.org/schema/${name}`);
    const validate = ajv.compile(JSON.parse(await readFile(path.join(schemas, 'bom-1.6.SNAPSHOT.schema.json'), 'utf8')) as object);
    const bom = JSON.parse((await runCli(['image', debianImage, '--db', database, '-f', 'cyclonedx'])).stdout) as unknown;
    expect(validate(bom), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });
});
