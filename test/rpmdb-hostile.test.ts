import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpmDbError, RpmHeader } from '../src/image/catalog/rpm-header.js';
import { parseRpmDatabase } from '../src/image/catalog/rpmdb.js';
import { ndbPackages, writeBdbPackages } from './helpers/rpm-build.js';

const run = promisify(execFile);
let work: string;

/** A header blob of NAME, VERSION, RELEASE strings, as rpm lays one out. */
function header(fields: Record<number, string>): Buffer {
  const entries = Object.entries(fields);
  const data: Buffer[] = [];
  const index = Buffer.alloc(entries.length * 16);
  let offset = 0;
  for (const [position, [tag, value]] of entries.entries()) {
    index.writeUInt32BE(Number(tag), position * 16);
    index.writeUInt32BE(6, position * 16 + 4);
    index.writeUInt32BE(offset, position * 16 + 8);
    index.writeUInt32BE(1, position * 16 + 12);
    const bytes = Buffer.from(`${value}\0`);
    data.push(bytes);
    offset += bytes.length;
  }
  const intro = Buffer.alloc(8);
  intro.writeUInt32BE(entries.length, 0);
  intro.writeUInt32BE(offset, 4);
  return Buffer.concat([intro, index, ...data]);
}

const headers = Array.from({ length: 40 }, (_, position) => ({ number: position + 1, blob: header({ 1000: `pkg${position}`, 1001: '1.0', 1002: `${position}.el9`, 1004: 'x'.repeat(900) }) }));

function expectClearError(action: () => unknown, pattern: RegExp): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(RpmDbError);
  expect((thrown as Error).message).toMatch(pattern);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'rampart-rpmdb-hostile-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('hostile rpm header blobs', () => {
  it('reads a well-formed one', () => {
    expect(new RpmHeader(headers[0]!.blob).string(1000)).toBe('pkg0');
  });

  it('refuses huge tag and data counts, strings past the end and truncation with a clear error', () => {
    const lying = Buffer.from(headers[0]!.blob);
    lying.writeUInt32BE(0xfffffff0, 0);
    expectClearError(() => new RpmHeader(lying), /claims \d+ tags/);
    const longData = Buffer.from(headers[0]!.blob);
    longData.writeUInt32BE(0x7fffffff, 4);
    expectClearError(() => new RpmHeader(longData), /claims \d+ bytes of data/);
    expectClearError(() => new RpmHeader(headers[0]!.blob.subarray(0, 40)), /but the blob is 40 bytes/);
    const manyStrings = Buffer.from(headers[0]!.blob);
    manyStrings.writeUInt32BE(8, 8 + 4); // NAME becomes a string array...
    manyStrings.writeUInt32BE(0xffffffff, 8 + 12); // ...of four billion strings
    expectClearError(() => new RpmHeader(manyStrings).stringArray(1000), /does not fit/);
    const unterminated = Buffer.from(headers[0]!.blob);
    unterminated[unterminated.length - 1] = 0x41;
    expectClearError(() => new RpmHeader(unterminated).string(1004), /runs past the end/);
  });
});

describe('hostile SQLite rpmdb', () => {
  async function sqliteDb(): Promise<Buffer> {
    const file = path.join(work, `packages-${Math.random().toString(36).slice(2)}.sqlite`);
    const rows = headers.map((entry) => `(${entry.number}, x'${entry.blob.toString('hex')}')`).join(',');
    await run('sqlite3', [file, `PRAGMA page_size=512; CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL); INSERT INTO Packages VALUES ${rows};`]);
    return readFile(file);
  }

  it('reads a multi-page table with overflow chains', async () => {
    expect(parseRpmDatabase(await sqliteDb()).map((pkg) => pkg.name)).toEqual(headers.map((_, position) => `pkg${position}`));
  });

  it('a b-tree page pointing at itself, truncation and a page size that is no page size are clear errors', async () => {
    const database = await sqliteDb();
    // the Packages root is page 2 (created first); it is an interior page: point its right-most child at itself
    const looping = Buffer.from(database);
    expect(looping[512]).toBe(0x05);
    looping.writeUInt32BE(2, 512 + 8);
    expectClearError(() => parseRpmDatabase(looping), /page 2 is reached twice/);
    expectClearError(() => parseRpmDatabase(database.subarray(0, 512 * 3)), /outside the file's 3 pages/);
    const badPageSize = Buffer.from(database);
    badPageSize.writeUInt16BE(1000, 16);
    expectClearError(() => parseRpmDatabase(badPageSize), /page size 1000/);
  });
});

describe('hostile Berkeley DB Packages', () => {
  it('a page chain that loops and a truncated file are clear errors', async () => {
    const file = path.join(work, 'Packages');
    await writeBdbPackages(file, headers, 512);
    const database = await readFile(file);
    expect(parseRpmDatabase(database)).toHaveLength(headers.length);
    // make the first bucket page's next-page pointer point back at itself
    const looping = Buffer.from(database);
    const spare0 = looping.readUInt32LE(96);
    looping.writeUInt32LE(spare0, spare0 * 512 + 16);
    expectClearError(() => parseRpmDatabase(looping), /reached twice/);
    expectClearError(() => parseRpmDatabase(database.subarray(0, database.length - 1024)), /truncated|outside/);
  });
});

describe('hostile ndb Packages.db', () => {
  it('truncation, a failed checksum and a huge slot page count are clear errors', () => {
    const database = ndbPackages(headers);
    expect(parseRpmDatabase(database)).toHaveLength(headers.length);
    expectClearError(() => parseRpmDatabase(database.subarray(0, database.length - 100)), /truncated/);
    const corrupt = Buffer.from(database);
    corrupt[database.length - 200] = corrupt[database.length - 200]! ^ 0xff;
    expectClearError(() => parseRpmDatabase(corrupt), /adler32/);
    const huge = Buffer.from(database);
    huge.writeUInt32LE(0xffffffff, 12);
    expectClearError(() => parseRpmDatabase(huge), /slot pages do not fit/);
  });
});
