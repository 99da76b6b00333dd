/**
 * The Berkeley DB hash file rpm used until 4.16 (`/var/lib/rpm/Packages`: CentOS 7, RHEL 8,
 * Amazon Linux 2), read the way rpm's own read-only backend (lib/backend/bdb_ro.c) walks it: the
 * metadata page, then each bucket's page chain, values on the page or in overflow chains. Either
 * byte order. Every page is read at most once, so a looping chain ends in an RpmDbError.
 */
import { RpmDbError } from './rpm-header.js';

const HASH_MAGIC = 0x00061561;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;

class BdbFile {
  readonly little: boolean;
  readonly pageSize: number;
  readonly lastPage: number;
  readonly maxBucket: number;
  readonly spares: number[] = [];
  /** pages of bucket chains and overflow chains read so far: each is read once */
  private readonly seen = new Set<number>();

  constructor(private readonly file: Buffer) {
    if (file.length < 512) throw new RpmDbError('too short for a Berkeley DB file');
    if (file.readUInt32LE(12) === HASH_MAGIC) this.little = true;
    else if (file.readUInt32BE(12) === HASH_MAGIC) this.little = false;
    else throw new RpmDbError('not a Berkeley DB hash database');
    const version = this.u32(file, 16);
    if (version < 8 || version > 10) throw new RpmDbError(`hash version ${version} is not one rpm reads (8 to 10)`);
    this.pageSize = this.u32(file, 20);
    if (this.pageSize < 512 || this.pageSize > 65536 || (this.pageSize & (this.pageSize - 1)) !== 0) throw new RpmDbError(`page size ${this.pageSize} is not a Berkeley DB page size`);
    this.lastPage = this.u32(file, 32);
    this.maxBucket = this.u32(file, 72);
    for (let index = 0; index < 32; index++) this.spares.push(this.u32(file, 96 + index * 4));
    if (this.maxBucket > this.lastPage) throw new RpmDbError(`${this.maxBucket + 1} buckets in a file of ${this.lastPage + 1} pages`);
  }

  u32(buffer: Buffer, at: number): number {
    return this.little ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at);
  }

  u16(buffer: Buffer, at: number): number {
    return this.little ? buffer.readUInt16LE(at) : buffer.readUInt16BE(at);
  }

  /** A page not read before, checked to be where its own header says. */
  page(number: number): Buffer {
    if (number < 1 || number > this.lastPage) throw new RpmDbError(`page ${number} is outside the database's ${this.lastPage + 1} pages`);
    if (this.seen.has(number)) throw new RpmDbError(`page ${number} is reached twice (a loop in a page chain)`);
    this.seen.add(number);
    const start = number * this.pageSize;
    if (start + this.pageSize > this.file.length) throw new RpmDbError(`page ${number} lies past the end of the file (truncated)`);
    const page = this.file.subarray(start, start + this.pageSize);
    if (this.u32(page, 8) !== number) throw new RpmDbError(`page ${number} says it is page ${this.u32(page, 8)}`);
    return page;
  }

  bucketPage(bucket: number): number {
    return bucket + this.spares[32 - Math.clz32(bucket)]!;
  }

  overflow(first: number, length: number): Buffer {
    if (length > this.file.length) throw new RpmDbError(`an overflow item claims ${length} bytes in a ${this.file.length}-byte file`);
    const parts: Buffer[] = [];
    let remaining = length;
    let number = first;
    while (remaining > 0) {
      if (number === 0) throw new RpmDbError(`an overflow chain ends ${remaining} bytes early`);
      const page = this.page(number);
      if (page[25] !== P_OVERFLOW) throw new RpmDbError(`page ${number} in an overflow chain is of type ${page[25]}`);
      const size = this.u16(page, 22);
      if (size + PAGE_HEADER > this.pageSize || size > remaining) throw new RpmDbError(`overflow page ${number} holds ${size} bytes`);
      parts.push(page.subarray(PAGE_HEADER, PAGE_HEADER + size));
      remaining -= size;
      number = this.u32(page, 16);
    }
    return Buffer.concat(parts, length);
  }

  item(page: Buffer, at: number, length: number): Buffer {
    if (length <= 0 || at + length > this.pageSize) throw new RpmDbError('a hash item lies past the end of its page');
    if (page[at] === H_KEYDATA) return page.subarray(at + 1, at + length);
    if (page[at] === H_OFFPAGE) {
      if (length !== 12) throw new RpmDbError('an off-page hash item is not 12 bytes');
      return this.overflow(this.u32(page, at + 4), this.u32(page, at + 8));
    }
    throw new RpmDbError(`hash item type ${page[at]} is not one rpm writes`);
  }
}

/** Every (key, value) pair of the hash database; rpm's Packages keys are header numbers, values header blobs. */
export function bdbHashValues(file: Buffer): Array<{ key: Buffer; value: Buffer }> {
  const db = new BdbFile(file);
  const pairs: Array<{ key: Buffer; value: Buffer }> = [];
  for (let bucket = 0; bucket <= db.maxBucket; bucket++) {
    let number = db.bucketPage(bucket);
    while (number !== 0) {
      const page = db.page(number);
      const type = page[25];
      if (type !== P_HASH && type !== P_HASH_UNSORTED && type !== P_HASHMETA) throw new RpmDbError(`bucket page ${number} is of type ${type}`);
      const entries = db.u16(page, 20);
      if (PAGE_HEADER + entries * 2 > db.pageSize) throw new RpmDbError(`page ${number} claims ${entries} entries`);
      for (let index = 0; index + 1 < entries; index += 2) {
        const keyAt = db.u16(page, PAGE_HEADER + index * 2);
        const valueAt = db.u16(page, PAGE_HEADER + (index + 1) * 2);
        // items are packed from the end of the page down: a key ends where the previous value starts
        const keyEnd = index === 0 ? db.pageSize : db.u16(page, PAGE_HEADER + (index - 1) * 2);
        pairs.push({ key: db.item(page, keyAt, keyEnd - keyAt), value: db.item(page, valueAt, keyAt - valueAt) });
      }
      number = db.u32(page, 16);
    }
  }
  return pairs;
}
