/**
 * rpm's own "ndb" package store (`/var/lib/rpm/Packages.db`: SUSE, openSUSE), as its writer
 * lib/backend/ndb/rpmpkg.c lays it out, all little-endian: a 32-byte header (`RpmP`, version 0,
 * generation, slot page count, next package index), 4096-byte slot pages of 16-byte slots
 * (`Slot`, package index, block offset, block count; blocks are 16 bytes), and for each filled slot
 * a blob: head (`BlbS`, package index, timestamp, length), the header blob, padding, tail
 * (adler32, length, `BlbE`).
 */
import { adler32 } from './adler32.js';
import { RpmDbError } from './rpm-header.js';

const fourcc = (text: string): number => Buffer.from(text, 'latin1').readUInt32LE(0);
const DB_MAGIC = fourcc('RpmP');
const SLOT_MAGIC = fourcc('Slot');
const BLOB_HEAD = fourcc('BlbS');
const BLOB_TAIL = fourcc('BlbE');
const PAGE = 4096;
const SLOT = 16;
const BLOCK = 16;
const HEADER_SLOTS = 2;

/** The header blobs of every filled slot, in slot order. */
export function ndbPackageBlobs(file: Buffer): Buffer[] {
  if (file.length < 32 || file.readUInt32LE(0) !== DB_MAGIC) throw new RpmDbError('not an rpm ndb Packages.db');
  const version = file.readUInt32LE(4);
  if (version !== 0) throw new RpmDbError(`ndb version ${version} is not 0`);
  const slotPages = file.readUInt32LE(12);
  if (slotPages === 0 || slotPages * PAGE > file.length) throw new RpmDbError(`${slotPages} slot pages do not fit in ${file.length} bytes (truncated?)`);
  const firstBlobBlock = (slotPages * PAGE) / BLOCK;
  const fileBlocks = Math.floor(file.length / BLOCK);
  const blobs: Buffer[] = [];
  for (let slot = HEADER_SLOTS; slot < (slotPages * PAGE) / SLOT; slot++) {
    const at = slot * SLOT;
    if (file.readUInt32LE(at) !== SLOT_MAGIC) throw new RpmDbError(`slot ${slot} has no slot magic`);
    const index = file.readUInt32LE(at + 4);
    const blockOffset = file.readUInt32LE(at + 8);
    const blockCount = file.readUInt32LE(at + 12);
    if (blockOffset === 0) continue; // a free slot
    if (index === 0 || blockCount === 0 || blockOffset < firstBlobBlock) throw new RpmDbError(`slot ${slot} points into the slot pages or is empty`);
    if (blockOffset + blockCount > fileBlocks) throw new RpmDbError(`slot ${slot} points past the end of the file (truncated)`);
    blobs.push(readBlob(file, index, blockOffset * BLOCK, blockCount * BLOCK));
  }
  return blobs;
}

function readBlob(file: Buffer, index: number, start: number, size: number): Buffer {
  const where = `the blob of package ${index}`;
  if (size < 16 + 12) throw new RpmDbError(`${where} is too small`);
  if (file.readUInt32LE(start) !== BLOB_HEAD || file.readUInt32LE(start + 4) !== index) throw new RpmDbError(`${where} has no blob head for it`);
  const length = file.readUInt32LE(start + 12);
  if (Math.ceil((16 + length + 12) / BLOCK) * BLOCK !== size) throw new RpmDbError(`${where} says ${length} bytes but its slot holds ${size}`);
  const tail = start + size - 12;
  if (file.readUInt32LE(tail + 8) !== BLOB_TAIL || file.readUInt32LE(tail + 4) !== length) throw new RpmDbError(`${where} has no matching blob tail`);
  if (adler32(file.subarray(start, tail)) !== file.readUInt32LE(tail)) throw new RpmDbError(`${where} fails its adler32 check`);
  return file.subarray(start + 16, start + 16 + length);
}
