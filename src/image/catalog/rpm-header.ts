/**
 * RPM header blobs as the package databases store them (rpm's doc/manual/format.md, "Header"):
 * `il` and `dl` (big-endian int32), `il` 16-byte index entries (tag, type, offset, count), then
 * `dl` bytes of data. A blob from a database has no 8-byte header magic in front.
 */
export class RpmDbError extends Error {}

const TYPE_INT16 = 3;
const TYPE_INT32 = 4;
const TYPE_INT64 = 5;
const TYPE_STRING = 6;
const TYPE_BIN = 7;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

/** rpm refuses headers past these (hdrchkTags / hdrchkData in header.c) */
const MAX_TAGS = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;

export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  FILESIZES: 1028,
  FILEMODES: 1030,
  FILEDIGESTS: 1035,
  FILELINKTOS: 1036,
  FILEFLAGS: 1037,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGFILESIZES: 5008,
  FILEDIGESTALGO: 5011,
  MODULARITYLABEL: 5096,
} as const;

interface IndexEntry {
  readonly type: number;
  readonly offset: number;
  readonly count: number;
}

/** One parsed header: typed reads of its tags, every read bounded by the data store. */
export class RpmHeader {
  private readonly entries = new Map<number, IndexEntry>();
  private readonly data: Buffer;

  constructor(blob: Buffer) {
    if (blob.length < 8) throw new RpmDbError(`a header blob of ${blob.length} bytes is too short`);
    const il = blob.readUInt32BE(0);
    const dl = blob.readUInt32BE(4);
    if (il === 0 || il > MAX_TAGS) throw new RpmDbError(`a header claims ${il} tags`);
    if (dl > MAX_DATA) throw new RpmDbError(`a header claims ${dl} bytes of data`);
    const dataStart = 8 + il * 16;
    if (dataStart + dl > blob.length) throw new RpmDbError(`a header claims ${il} tags and ${dl} bytes of data but the blob is ${blob.length} bytes`);
    this.data = blob.subarray(dataStart, dataStart + dl);
    for (let index = 0; index < il; index++) {
      const at = 8 + index * 16;
      const tag = blob.readUInt32BE(at);
      // the first of a tag wins: later "dribble" entries only restate a region's tags
      if (!this.entries.has(tag)) this.entries.set(tag, { type: blob.readUInt32BE(at + 4), offset: blob.readUInt32BE(at + 8), count: blob.readUInt32BE(at + 12) });
    }
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** A STRING, or the first of a STRING_ARRAY / I18NSTRING (the untranslated one). */
  string(tag: number): string | undefined {
    const entry = this.entries.get(tag);
    if (!entry || (entry.type !== TYPE_STRING && entry.type !== TYPE_STRING_ARRAY && entry.type !== TYPE_I18NSTRING)) return undefined;
    return this.strings(entry, 1)[0];
  }

  stringArray(tag: number): string[] {
    const entry = this.entries.get(tag);
    if (!entry || (entry.type !== TYPE_STRING_ARRAY && entry.type !== TYPE_I18NSTRING && entry.type !== TYPE_STRING)) return [];
    return this.strings(entry, entry.type === TYPE_STRING ? 1 : entry.count);
  }

  /** INT16 (unsigned, as modes are), INT32 or INT64 values. */
  numbers(tag: number): number[] {
    const entry = this.entries.get(tag);
    if (!entry) return [];
    const width = entry.type === TYPE_INT16 ? 2 : entry.type === TYPE_INT32 ? 4 : entry.type === TYPE_INT64 ? 8 : 0;
    if (width === 0) return [];
    if (entry.offset + entry.count * width > this.data.length) throw new RpmDbError(`tag ${tag} holds ${entry.count} numbers past the end of the header data`);
    const values: number[] = [];
    for (let index = 0; index < entry.count; index++) {
      const at = entry.offset + index * width;
      values.push(width === 2 ? this.data.readUInt16BE(at) : width === 4 ? this.data.readUInt32BE(at) : Number(this.data.readBigUInt64BE(at)));
    }
    return values;
  }

  number(tag: number): number | undefined {
    return this.numbers(tag)[0];
  }

  binary(tag: number): Buffer | undefined {
    const entry = this.entries.get(tag);
    if (!entry || entry.type !== TYPE_BIN) return undefined;
    if (entry.offset + entry.count > this.data.length) throw new RpmDbError(`tag ${tag} holds ${entry.count} bytes past the end of the header data`);
    return this.data.subarray(entry.offset, entry.offset + entry.count);
  }

  private strings(entry: IndexEntry, count: number): string[] {
    // each string takes at least its NUL: a count past the data left is a lie, not an allocation
    if (entry.offset >= this.data.length || count > this.data.length - entry.offset) throw new RpmDbError(`a string tag at offset ${entry.offset} with ${count} strings does not fit in ${this.data.length} bytes of header data`);
    const values: string[] = [];
    let at = entry.offset;
    for (let index = 0; index < count; index++) {
      const end = this.data.indexOf(0, at);
      if (end === -1) throw new RpmDbError(`a string at offset ${at} runs past the end of the header data`);
      values.push(this.data.toString('utf8', at, end));
      at = end + 1;
    }
    return values;
  }
}
