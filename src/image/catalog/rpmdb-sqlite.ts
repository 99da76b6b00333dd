/**
 * A read-only reader of one table of a SQLite 3 database held in memory, enough for rpm's
 * `rpmdb.sqlite` (`Packages(hnum INTEGER PRIMARY KEY, blob BLOB)`), following sqlite.org's
 * "Database File Format" (§1.3 header, §1.6 b-tree pages, §2.1 records). Every page is visited at
 * most once and every overflow chain is bounded by the page count, so a hostile file ends in an
 * RpmDbError, never a loop. A WAL file beside the database is not applied: rpm checkpoints it on close.
 */
import { RpmDbError } from './rpm-header.js';

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const TABLE_INTERIOR = 0x05;
const TABLE_LEAF = 0x0d;

type Value = null | number | bigint | Buffer | string;

class SqliteFile {
  readonly pageSize: number;
  /** usable bytes per page: page size less the reserved tail */
  readonly usable: number;
  readonly pageCount: number;

  constructor(readonly file: Buffer) {
    if (file.length < 100 || !file.subarray(0, 16).equals(MAGIC)) throw new RpmDbError('not a SQLite 3 database');
    const raw = file.readUInt16BE(16);
    this.pageSize = raw === 1 ? 65536 : raw;
    if (this.pageSize < 512 || (this.pageSize & (this.pageSize - 1)) !== 0) throw new RpmDbError(`page size ${raw} is not a SQLite page size`);
    this.usable = this.pageSize - file[20]!;
    if (this.usable < 480) throw new RpmDbError(`${file[20]} reserved bytes leave too little of each page`);
    this.pageCount = Math.floor(file.length / this.pageSize);
  }

  page(number: number): Buffer {
    if (!Number.isInteger(number) || number < 1 || number > this.pageCount) throw new RpmDbError(`page ${number} is outside the file's ${this.pageCount} pages (truncated?)`);
    return this.file.subarray((number - 1) * this.pageSize, number * this.pageSize);
  }
}

function varint(buffer: Buffer, at: number): { value: number; next: number } {
  let value = 0n;
  for (let index = 0; index < 9; index++) {
    if (at + index >= buffer.length) throw new RpmDbError('a varint runs past the end of its page');
    const byte = buffer[at + index]!;
    if (index === 8) return { value: Number(BigInt.asIntN(64, (value << 8n) | BigInt(byte))), next: at + 9 };
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return { value: Number(BigInt.asIntN(64, value)), next: at + index + 1 };
  }
  throw new RpmDbError('unreachable varint');
}

/** The whole payload of a table leaf cell: its local part plus its overflow chain (§1.6 "cell payload overflow"). */
function cellPayload(db: SqliteFile, page: Buffer, at: number): { rowid: number; payload: Buffer } {
  const size = varint(page, at);
  const rowid = varint(page, size.next);
  const total = size.value;
  if (total < 0 || total > db.file.length) throw new RpmDbError(`a row claims ${total} bytes in a ${db.file.length}-byte file`);
  const maxLocal = db.usable - 35;
  const minLocal = Math.floor(((db.usable - 12) * 32) / 255) - 23;
  let local = total;
  if (total > maxLocal) {
    const spill = minLocal + ((total - minLocal) % (db.usable - 4));
    local = spill <= maxLocal ? spill : minLocal;
  }
  const start = rowid.next;
  if (start + local > page.length) throw new RpmDbError('a row runs past the end of its page');
  if (local === total) return { rowid: rowid.value, payload: page.subarray(start, start + local) };
  const parts: Buffer[] = [page.subarray(start, start + local)];
  let remaining = total - local;
  if (start + local + 4 > page.length) throw new RpmDbError('a row\'s overflow pointer runs past the end of its page');
  let next = page.readUInt32BE(start + local);
  // a chain longer than the file has pages loops
  for (let hops = 0; remaining > 0; hops++) {
    if (hops > db.pageCount) throw new RpmDbError('an overflow chain loops');
    const overflow = db.page(next);
    const take = Math.min(remaining, db.usable - 4);
    parts.push(overflow.subarray(4, 4 + take));
    remaining -= take;
    next = overflow.readUInt32BE(0);
  }
  return { rowid: rowid.value, payload: Buffer.concat(parts, total) };
}

/** The columns of a record (§2.1): integers, text, blobs; floats are not needed here and read as null. */
function recordValues(payload: Buffer): Value[] {
  const headerSize = varint(payload, 0);
  if (headerSize.value > payload.length || headerSize.value < 1) throw new RpmDbError('a record header is longer than its record');
  const types: number[] = [];
  for (let at = headerSize.next; at < headerSize.value; ) {
    const type = varint(payload, at);
    types.push(type.value);
    at = type.next;
  }
  const values: Value[] = [];
  let at = headerSize.value;
  const INT_WIDTHS = [0, 1, 2, 3, 4, 6, 8];
  for (const type of types) {
    if (type === 0) values.push(null);
    else if (type >= 1 && type <= 6) {
      const width = INT_WIDTHS[type]!;
      if (at + width > payload.length) throw new RpmDbError('a record runs past its end');
      values.push(width === 8 ? payload.readBigInt64BE(at) : width === 6 ? payload.readIntBE(at, 6) : payload.readIntBE(at, width));
      at += width;
    } else if (type === 7) {
      values.push(null);
      at += 8;
    } else if (type === 8 || type === 9) values.push(type - 8);
    else if (type >= 12) {
      const length = Math.floor((type - (type % 2 === 0 ? 12 : 13)) / 2);
      if (at + length > payload.length) throw new RpmDbError('a record runs past its end');
      const bytes = payload.subarray(at, at + length);
      values.push(type % 2 === 0 ? bytes : bytes.toString('utf8'));
      at += length;
    } else throw new RpmDbError(`serial type ${type} is reserved`);
  }
  return values;
}

/** Every row of the table b-tree rooted at `root`, in rowid order. */
function* tableRows(db: SqliteFile, root: number): Generator<{ rowid: number; values: Value[] }> {
  const seen = new Set<number>();
  const pending = [root];
  while (pending.length > 0) {
    const number = pending.pop()!;
    if (seen.has(number)) throw new RpmDbError(`b-tree page ${number} is reached twice (a loop)`);
    seen.add(number);
    const page = db.page(number);
    const headerAt = number === 1 ? 100 : 0;
    const kind = page[headerAt];
    const cells = page.readUInt16BE(headerAt + 3);
    const pointers = headerAt + (kind === TABLE_INTERIOR ? 12 : 8);
    if (pointers + cells * 2 > page.length) throw new RpmDbError(`page ${number} claims ${cells} cells`);
    if (kind === TABLE_LEAF) {
      for (let cell = 0; cell < cells; cell++) {
        const { rowid, payload } = cellPayload(db, page, page.readUInt16BE(pointers + cell * 2));
        yield { rowid, values: recordValues(payload) };
      }
    } else if (kind === TABLE_INTERIOR) {
      // a stack: push the right-most child first so the left-most is read first
      pending.push(page.readUInt32BE(headerAt + 8));
      for (let cell = cells - 1; cell >= 0; cell--) {
        const at = page.readUInt16BE(pointers + cell * 2);
        if (at + 4 > page.length) throw new RpmDbError(`a cell of page ${number} lies past its end`);
        pending.push(page.readUInt32BE(at));
      }
    } else {
      throw new RpmDbError(`page ${number} is not a table b-tree page (type ${kind})`);
    }
  }
}

/** The `blob` column of every row of rpm's `Packages` table. */
export function sqlitePackageBlobs(file: Buffer): Buffer[] {
  const db = new SqliteFile(file);
  let root: number | undefined;
  for (const { values } of tableRows(db, 1)) {
    // sqlite_schema: type, name, tbl_name, rootpage, sql
    if (values[0] === 'table' && values[1] === 'Packages' && typeof values[3] === 'number') root = values[3];
  }
  if (root === undefined) throw new RpmDbError('the database has no Packages table');
  const blobs: Buffer[] = [];
  for (const { values } of tableRows(db, root)) {
    const blob = values[1];
    if (Buffer.isBuffer(blob)) blobs.push(blob);
  }
  return blobs;
}
