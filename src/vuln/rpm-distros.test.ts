import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../image/catalog/collect.js';
import type { OsIdentity } from '../image/catalog/package.js';
import { matchInventory } from './match.js';
import { queryFor } from './query.js';
import { importDatabase, VulnerabilityDatabase } from './store.js';

// Records shaped as each distro's OSV feed writes them: which name (binary or source rpm) and which
// release-qualified ecosystem string, per the OSV schema's ecosystem table.
const RECORDS = [
  { id: 'RLSA-2024:0001', ecosystem: 'Rocky Linux:9', name: 'openssl', fixed: '1:3.0.7-25.el9_3' },
  { id: 'RHSA-2024:0002', ecosystem: 'Red Hat:enterprise_linux:9::baseos', name: 'openssl-libs', fixed: '1:3.0.7-25.el9_3' },
  { id: 'RHSA-2024:0003', ecosystem: 'Red Hat:enterprise_linux:8::baseos', name: 'openssl-libs', fixed: '1:9.9.9-1.el8' },
  { id: 'SUSE-SU-2024:0004-1', ecosystem: 'SUSE:Linux Enterprise Module for Basesystem 15 SP6', name: 'openssl-3', fixed: '3.1.4-150600.5.10.1' },
  { id: 'SUSE-SU-2024:0005-1', ecosystem: 'SUSE:Linux Enterprise Server 15 SP5', name: 'openssl-3', fixed: '9.9.9-1' },
  { id: 'openSUSE-SU-2024:0006-1', ecosystem: 'openSUSE:Leap 15.6', name: 'openssl-3', fixed: '3.1.4-150600.5.10.1' },
  { id: 'PHSA-2024-5.0-0007', ecosystem: 'Photon OS:5.0', name: 'openssl-libs', fixed: '3.0.13-2.ph5' },
  { id: 'MGASA-2024-0008', ecosystem: 'Mageia:9', name: 'openssl', fixed: '3.0.13-1.mga9' },
];

function record(entry: (typeof RECORDS)[number]): object {
  return {
    schema_version: '1.6.0',
    id: entry.id,
    modified: '2024-06-01T00:00:00Z',
    affected: [{ package: { ecosystem: entry.ecosystem, name: entry.name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: entry.fixed }] }] }],
  };
}

function inventory(os: OsIdentity, pkg: { name: string; version: string; epoch?: string; source: string }): Inventory {
  return {
    os,
    problems: [],
    packages: [{
      type: 'rpm', name: pkg.name, version: pkg.version, ...(pkg.epoch ? { epoch: pkg.epoch } : {}),
      source: { name: pkg.source }, foundBy: 'rpm-db', path: 'var/lib/rpm/rpmdb.sqlite', layer: 0, purl: `pkg:rpm/${pkg.name}@${pkg.version}`,
    }],
  };
}

let work: string;
let database: VulnerabilityDatabase;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-rpm-distros-'));
  const input = path.join(work, 'osv');
  await mkdir(input);
  for (const entry of RECORDS) await writeFile(path.join(input, `${entry.id.replace(/[:]/g, '_')}.json`), JSON.stringify(record(entry)));
  await importDatabase([input], path.join(work, 'store'));
  database = (await VulnerabilityDatabase.open(path.join(work, 'store')))!;
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function idsFor(os: OsIdentity, pkg: Parameters<typeof inventory>[1]): Promise<{ ids: string[]; unchecked: string[] }> {
  const result = await matchInventory(inventory(os, pkg), database);
  return { ids: result.matches.map((match) => match.id), unchecked: result.unchecked.map((group) => group.reason) };
}

describe('rpm distributions: OSV ecosystem, release and package name', () => {
  it('Rocky and Alma advisories are keyed by the source rpm, not the binary package', async () => {
    const found = await idsFor({ id: 'rocky', versionId: '9.3' }, { name: 'openssl-libs', version: '3.0.7-24.el9', epoch: '1', source: 'openssl' });
    expect(found.ids).toEqual(['RLSA-2024:0001']);
    const fixed = await idsFor({ id: 'rocky', versionId: '9.3' }, { name: 'openssl-libs', version: '3.0.7-25.el9_3', epoch: '1', source: 'openssl' });
    expect(fixed.ids).toEqual([]);
  });

  it('Red Hat: the binary rpm, in any product stream of the same major release, never another major', async () => {
    const found = await idsFor({ id: 'rhel', versionId: '9.4' }, { name: 'openssl-libs', version: '3.0.7-24.el9', epoch: '1', source: 'openssl' });
    expect(found.ids).toEqual(['RHSA-2024:0002']);
  });

  it('SUSE: the service pack from VERSION_ID, fixes shipped in a module of that service pack, not another service pack', async () => {
    const found = await idsFor({ id: 'sles', versionId: '15.6', prettyName: 'SUSE Linux Enterprise Server 15 SP6' },
      { name: 'libopenssl3', version: '3.1.4-150600.5.7.1', source: 'openssl-3' });
    expect(found.ids).toEqual(['SUSE-SU-2024:0004-1']);
  });

  it('openSUSE: the release from PRETTY_NAME, written with or without the vendor word', async () => {
    const found = await idsFor({ id: 'opensuse-leap', versionId: '15.6', prettyName: 'openSUSE Leap 15.6' },
      { name: 'libopenssl3', version: '3.1.4-150600.5.7.1', source: 'openssl-3' });
    expect(found.ids).toEqual(['openSUSE-SU-2024:0006-1']);
  });

  it('Photon OS is keyed by the binary rpm; Mageia by the source rpm', async () => {
    expect((await idsFor({ id: 'photon', versionId: '5.0' }, { name: 'openssl-libs', version: '3.0.13-1.ph5', source: 'openssl' })).ids).toEqual(['PHSA-2024-5.0-0007']);
    expect((await idsFor({ id: 'mageia', versionId: '9' }, { name: 'lib64openssl3', version: '3.0.12-1.mga9', source: 'openssl' })).ids).toEqual(['MGASA-2024-0008']);
  });

  it('a release the database has no data for is reported unchecked, never clean', async () => {
    const found = await idsFor({ id: 'rocky', versionId: '8.9' }, { name: 'openssl-libs', version: '1.1.1k-1.el8', epoch: '1', source: 'openssl' });
    expect(found.ids).toEqual([]);
    expect(found.unchecked.join('\n')).toMatch(/none for Rocky Linux:8/);
  });

  it('openEuler: only LTS releases, named from PRETTY_NAME', () => {
    const pkg = { type: 'rpm' as const, name: 'openssl-libs', version: '1.1.1wa-1.oe2203sp3', source: { name: 'openssl' }, foundBy: 'rpm-db', path: 'x', layer: 0 };
    expect(queryFor(pkg, { id: 'openEuler', versionId: '22.03', prettyName: 'openEuler 22.03 (LTS-SP3)' })).toMatchObject({ query: { ecosystem: 'openEuler', releases: ['openEuler:22.03-LTS-SP3'], name: 'openssl' } });
    expect(queryFor(pkg, { id: 'openEuler', versionId: '23.09', prettyName: 'openEuler 23.09' })).toHaveProperty('unsupported');
  });
});
