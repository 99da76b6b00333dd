/** POSIX ustar / pax / GNU tar headers, as layers and `docker save` archives write them. */

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarHeader {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly typeflag: string;
  readonly linkname: string;
}

export class TarFormatError extends Error {}

export const BLOCK = 512;
/** pax records and GNU long names: a name longer than this is an attack, not a file */
export const MAX_META_BYTES = 1024 * 1024;

export function isZeroBlock(block: Buffer): boolean {
  for (let index = 0; index < block.length; index++) if (block[index] !== 0) return false;
  return true;
}

/** the field's bytes up to its first NUL (a loop over at most `length` bytes: no view of the block is made) */
function fieldEnd(block: Buffer, start: number, length: number): number {
  const end = start + length;
  for (let index = start; index < end; index++) if (block[index] === 0) return index;
  return end;
}

function text(block: Buffer, start: number, length: number): string {
  return block.toString('utf8', start, fieldEnd(block, start, length));
}

const SPACE = 0x20;
const ZERO = 0x30;
const SEVEN = 0x37;

/**
 * Octal, or GNU base-256 when the high bit is set (sizes over 8 GiB). Digits between spaces are read
 * from the bytes where they are; any other field (other white space, a stray character) takes the
 * general path, which says what is wrong with it.
 */
function numeric(block: Buffer, start: number, length: number, what: string, offset: number): number {
  if ((block[start]! & 0x80) !== 0) {
    let value = block[start]! & 0x7f;
    for (let index = start + 1; index < start + length; index++) value = value * 256 + block[index]!;
    if (!Number.isSafeInteger(value)) throw new TarFormatError(`tar header at byte ${offset}: ${what} is too large`);
    return value;
  }
  const end = fieldEnd(block, start, length);
  let index = start;
  while (index < end && block[index] === SPACE) index++;
  let value = 0;
  for (; index < end; index++) {
    const byte = block[index]!;
    if (byte < ZERO || byte > SEVEN) break;
    value = value * 8 + (byte - ZERO);
  }
  while (index < end && block[index] === SPACE) index++;
  return index === end ? value : numericText(block, start, length, what, offset);
}

function numericText(block: Buffer, start: number, length: number, what: string, offset: number): number {
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarFormatError(`tar header at byte ${offset}: ${what} is not an octal number`);
  return parseInt(digits, 8);
}

export function parseHeader(block: Buffer, offset: number): TarHeader {
  const stored = numeric(block, 148, 8, 'checksum', offset);
  // the checksum field counts as eight spaces
  let sum = 8 * SPACE;
  for (let index = 0; index < 148; index++) sum += block[index]!;
  for (let index = 156; index < BLOCK; index++) sum += block[index]!;
  if (sum !== stored) throw new TarFormatError(`not a tar archive: bad header checksum at byte ${offset}`);
  const magic = block.toString('latin1', 257, 262);
  const prefix = magic === 'ustar' ? text(block, 345, 155) : '';
  const name = text(block, 0, 100);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    mode: numeric(block, 100, 8, 'mode', offset),
    uid: numeric(block, 108, 8, 'uid', offset),
    gid: numeric(block, 116, 8, 'gid', offset),
    size: numeric(block, 124, 12, 'size', offset),
    typeflag: String.fromCharCode(block[156]!),
    linkname: text(block, 157, 100),
  };
}

export function entryType(typeflag: string): EntryType {
  switch (typeflag) {
    case '0': case '\0': case '7': return 'file';
    case '5': return 'directory';
    case '2': return 'symlink';
    case '1': return 'hardlink';
    default: return 'other';
  }
}

/** `length key=value\n` records; only the keys that change how an entry is read */
export function parsePax(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < body.length) {
    const space = body.indexOf(0x20, position);
    if (space === -1) break;
    const length = Number(body.subarray(position, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0 || position + length > body.length) break;
    const record = body.subarray(space + 1, position + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}

export function paddedSize(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}
