/**
 * Real rpm packages and databases for tests, made with Debian's rpm tools: `rpmbuild` builds the
 * packages, `rpm -i --justdb` installs them into a SQLite rpmdb, `db5.3_load` writes the same
 * headers into a Berkeley DB hash `Packages` file (Debian's rpm reads BDB but cannot write it), and
 * the ndb `Packages.db`, which Debian's rpm can neither write nor read, is written here from the
 * layout rpm's lib/backend/ndb/rpmpkg.c documents.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { adler32 } from '../../src/image/catalog/adler32.js';

const run = promisify(execFile);

function spec(name: string, body: { epoch?: number; arch: string; license: string; subpackages: number; bigFiles: number }): string {
  const lines = [
    `Name: ${name}`,
    ...(body.epoch !== undefined ? [`Epoch: ${body.epoch}`] : []),
    'Version: 1.4.0',
    'Release: 3.el9',
    'Summary: test package',
    `License: ${body.license}`,
    'Vendor: Rampart Tests',
    `BuildArch: ${body.arch}`,
    '%description',
    'test package',
  ];
  for (let index = 1; index <= body.subpackages; index++) lines.push(`%package -n ${name}-part${index}`, `Summary: part ${index}`, `%description -n ${name}-part${index}`, `part ${index}`);
  lines.push(
    '%install',
    'mkdir -p %{buildroot}/usr/bin %{buildroot}/etc/' + name + ' %{buildroot}/usr/share/' + name + ' %{buildroot}/var/log',
    `printf '#!/bin/sh\\necho hi\\n' > %{buildroot}/usr/bin/${name}`,
    `chmod 755 %{buildroot}/usr/bin/${name}`,
    `echo 'key=value' > %{buildroot}/etc/${name}/${name}.conf`,
    `ln -s ../bin/${name} %{buildroot}/usr/share/${name}/link`,
    `touch %{buildroot}/var/log/${name}.log`,
    `for i in $(seq 1 ${body.bigFiles}); do echo "file $i" > %{buildroot}/usr/share/${name}/data-$i.txt; done`,
  );
  for (let index = 1; index <= body.subpackages; index++) lines.push(`mkdir -p %{buildroot}/usr/lib/${name}-part${index}`, `echo ${index} > %{buildroot}/usr/lib/${name}-part${index}/part.txt`);
  lines.push('%files', `/usr/bin/${name}`, `%config(noreplace) /etc/${name}/${name}.conf`, `%dir /etc/${name}`, `/usr/share/${name}`, `%ghost /var/log/${name}.log`);
  for (let index = 1; index <= body.subpackages; index++) lines.push(`%files -n ${name}-part${index}`, `/usr/lib/${name}-part${index}`);
  return `${lines.join('\n')}\n`;
}

/** Builds two source packages: one with an epoch and many subpackages (a SQLite b-tree of several pages), one noarch with 400 files (overflow pages). */
export async function buildTestRpms(directory: string): Promise<string[]> {
  const top = path.join(directory, 'rpmbuild');
  await mkdir(path.join(top, 'SPECS'), { recursive: true });
  const specs = {
    'demo-tool': spec('demo-tool', { epoch: 2, arch: 'x86_64', license: 'MIT and BSD', subpackages: 24, bigFiles: 2 }),
    'plain-data': spec('plain-data', { arch: 'noarch', license: 'GPL-2.0-or-later', subpackages: 0, bigFiles: 400 }),
  };
  for (const [name, text] of Object.entries(specs)) {
    const file = path.join(top, 'SPECS', `${name}.spec`);
    await writeFile(file, text);
    await run('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, '--define', '_build_id_links none', file], { maxBuffer: 16 * 1024 * 1024 });
  }
  const rpms: string[] = [];
  for (const arch of await readdir(path.join(top, 'RPMS'))) {
    for (const file of await readdir(path.join(top, 'RPMS', arch))) rpms.push(path.join(top, 'RPMS', arch, file));
  }
  return rpms.sort();
}

/** `rpm --initdb` then `rpm -i --justdb` of the packages: a real rpmdb.sqlite in `dbpath`. */
export async function installIntoSqliteDb(dbpath: string, rpms: readonly string[]): Promise<void> {
  await mkdir(dbpath, { recursive: true });
  await run('rpm', ['--initdb', '--dbpath', dbpath]);
  await run('rpm', ['-i', '--justdb', '--nodeps', '--noscripts', '--notriggers', '--ignorearch', '--ignoreos', '--dbpath', dbpath, ...rpms]);
}

/** The header blobs of a SQLite rpmdb by its header number, read with the sqlite3 tool. */
export async function sqliteHeaderBlobs(database: string): Promise<Array<{ number: number; blob: Buffer }>> {
  const { stdout } = await run('sqlite3', [database, 'SELECT hnum, hex(blob) FROM Packages ORDER BY hnum'], { maxBuffer: 256 * 1024 * 1024 });
  return stdout.trim().split('\n').filter(Boolean).map((line) => {
    const [number, hex] = line.split('|');
    return { number: Number(number), blob: Buffer.from(hex!, 'hex') };
  });
}

/** A Berkeley DB hash `Packages` file of these headers, as rpm < 4.16 kept it (key: header number, host order; key 0: the next number). */
export async function writeBdbPackages(file: string, headers: ReadonlyArray<{ number: number; blob: Buffer }>, pageSize = 4096): Promise<void> {
  const key = (number: number): string => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(number);
    return bytes.toString('hex');
  };
  const lines = ['VERSION=3', 'format=bytevalue', 'type=hash', `db_pagesize=${pageSize}`, 'HEADER=END'];
  lines.push(` ${key(0)}`, ` ${key(Math.max(0, ...headers.map((header) => header.number)) + 1)}`);
  for (const header of headers) lines.push(` ${key(header.number)}`, ` ${header.blob.toString('hex')}`);
  lines.push('DATA=END');
  const input = path.join(path.dirname(file), 'packages.dump');
  await writeFile(input, `${lines.join('\n')}\n`);
  await run('db5.3_load', ['-f', input, file]);
}

/** An ndb `Packages.db` of these headers (rpmpkg.c: header, slot pages, blobs with head, tail and adler32). */
export function ndbPackages(headers: ReadonlyArray<{ number: number; blob: Buffer }>): Buffer {
  const PAGE = 4096;
  const slotPages = Math.max(1, Math.ceil(((headers.length + 2) * 16) / PAGE));
  const parts: Buffer[] = [];
  const slots = Buffer.alloc(slotPages * PAGE);
  for (let at = 0; at < slots.length; at += 16) slots.write('Slot', at, 'latin1');
  slots.write('RpmP', 0, 'latin1');
  slots.writeUInt32LE(0, 4);
  slots.writeUInt32LE(7, 8);
  slots.writeUInt32LE(slotPages, 12);
  slots.writeUInt32LE(Math.max(0, ...headers.map((header) => header.number)) + 1, 16);
  let block = (slotPages * PAGE) / 16;
  for (const [index, header] of headers.entries()) {
    const length = header.blob.length;
    const size = Math.ceil((16 + length + 12) / 16) * 16;
    const blob = Buffer.alloc(size);
    blob.write('BlbS', 0, 'latin1');
    blob.writeUInt32LE(header.number, 4);
    blob.writeUInt32LE(1_700_000_000, 8);
    blob.writeUInt32LE(length, 12);
    header.blob.copy(blob, 16);
    blob.writeUInt32LE(adler32(blob.subarray(0, size - 12)), size - 12);
    blob.writeUInt32LE(length, size - 8);
    blob.write('BlbE', size - 4, 'latin1');
    const slot = (index + 2) * 16;
    slots.writeUInt32LE(header.number, slot + 4);
    slots.writeUInt32LE(block, slot + 8);
    slots.writeUInt32LE(size / 16, slot + 12);
    block += size / 16;
    parts.push(blob);
  }
  return Buffer.concat([slots, ...parts]);
}

export interface RpmQueryRow {
  readonly name: string;
  readonly epoch?: string;
  readonly version: string;
  readonly arch: string;
  readonly sourceRpm: string;
  readonly license: string;
}

/** What rpm itself says is installed: `rpm -qa --dbpath`, the oracle the inventory is checked against. */
export async function rpmQueryAll(dbpath: string, backend?: string): Promise<RpmQueryRow[]> {
  const format = '%{NAME}\\t%{EPOCH}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{LICENSE}\\n';
  const { stdout } = await run('rpm', ['-qa', '--dbpath', dbpath, ...(backend ? ['--define', `_db_backend ${backend}`] : []), '--qf', format], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim().split('\n').filter(Boolean).map((line) => {
    const [name, epoch, version, arch, sourceRpm, license] = line.split('\t') as [string, string, string, string, string, string];
    return { name, ...(epoch !== '(none)' ? { epoch } : {}), version, arch, sourceRpm, license };
  });
}

/** Every file of every package as rpm reports it: `name path digest mode flags` lines. */
export async function rpmQueryFiles(dbpath: string, backend?: string): Promise<string[]> {
  const format = '[%{=NAME}\\t%{FILENAMES}\\t%{FILEDIGESTS}\\t%{FILEMODES}\\t%{FILEFLAGS}\\n]';
  const { stdout } = await run('rpm', ['-qa', '--dbpath', dbpath, ...(backend ? ['--define', `_db_backend ${backend}`] : []), '--qf', format], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim().split('\n').filter(Boolean).sort();
}
