import { describe, expect, it } from 'vitest';
import { parseGoBuildInfo } from './binaries.js';

/** cmd/go's sentinels around the module text (modload.infoStart, infoEnd) */
const INFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const INFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const BASE = 0x400000;

const MODINFO = 'path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=\ndep\tgithub.com/old/name\tv1.0.0\n=>\tgithub.com/new/name\tv1.2.0\th1:abc=\n';

interface Layout {
  readonly is64: boolean;
  readonly bigEndian: boolean;
  readonly version?: string;
  readonly modinfo?: Buffer;
  /** the segment stops short of the strings, so the pointers lead nowhere */
  readonly shortSegment?: boolean;
}

/**
 * An ELF file laid out as Go's linker did before 1.18 (debug/buildinfo documents the format): a
 * 32-byte header — magic, pointer size, endianness (flag bit 2 clear) and the addresses of the
 * string headers of runtime.buildVersion and runtime.modinfo — and the strings in a loadable segment.
 */
function oldGoElf({ is64, bigEndian, version = 'go1.16.15', modinfo = Buffer.concat([INFO_START, Buffer.from(MODINFO), INFO_END]), shortSegment }: Layout): Buffer {
  const file = Buffer.alloc(0x1000);
  const pointerSize = is64 ? 8 : 4;
  const u16 = (at: number, value: number): number => (bigEndian ? file.writeUInt16BE(value, at) : file.writeUInt16LE(value, at));
  const u32 = (at: number, value: number): number => (bigEndian ? file.writeUInt32BE(value, at) : file.writeUInt32LE(value, at));
  const pointer = (at: number, value: number): number => (is64 ? (bigEndian ? file.writeBigUInt64BE(BigInt(value), at) : file.writeBigUInt64LE(BigInt(value), at)) : u32(at, value));
  file.writeUInt32BE(0x7f454c46, 0);
  file[4] = is64 ? 2 : 1;
  file[5] = bigEndian ? 2 : 1;
  file[6] = 1;
  const programHeaders = is64 ? 0x40 : 0x34;
  pointer(is64 ? 0x20 : 0x1c, programHeaders);
  u16(is64 ? 0x36 : 0x2a, is64 ? 56 : 32);
  u16(is64 ? 0x38 : 0x2c, 1);
  const segmentSize = shortSegment ? 0x180 : file.length;
  u32(programHeaders, 1); // PT_LOAD
  if (is64) {
    pointer(programHeaders + 0x08, 0);
    pointer(programHeaders + 0x10, BASE);
    pointer(programHeaders + 0x20, segmentSize);
  } else {
    u32(programHeaders + 0x04, 0);
    u32(programHeaders + 0x08, BASE);
    u32(programHeaders + 0x10, segmentSize);
  }
  MAGIC.copy(file, 0x100);
  file[0x10e] = pointerSize;
  file[0x10f] = bigEndian ? 1 : 0;
  pointer(0x110, BASE + 0x200);
  pointer(0x110 + pointerSize, BASE + 0x220);
  // string headers: data address, length
  pointer(0x200, BASE + 0x300);
  pointer(0x200 + pointerSize, Buffer.byteLength(version));
  pointer(0x220, BASE + 0x400);
  pointer(0x220 + pointerSize, modinfo.length);
  file.write(version, 0x300);
  modinfo.copy(file, 0x400);
  return file;
}

const EXPECTED = [
  { name: 'stdlib', version: '1.16.15' },
  { name: 'example.com/app', version: '(devel)' },
  { name: 'golang.org/x/text', version: 'v0.3.7' },
  { name: 'github.com/new/name', version: 'v1.2.0' },
];

const summary = (file: Buffer): Array<{ name: string; version: string }> => parseGoBuildInfo(file).map(({ name, version }) => ({ name, version }));

describe('Go build info before Go 1.18 (pointers into the data segment)', () => {
  it.each([
    ['64-bit little-endian (amd64, arm64)', true, false],
    ['64-bit big-endian (s390x, ppc64)', true, true],
    ['32-bit little-endian (386, arm)', false, false],
    ['32-bit big-endian (mips)', false, true],
  ])('follows the pointers of a %s binary to the Go version and modules', (_name, is64, bigEndian) => {
    expect(summary(oldGoElf({ is64, bigEndian }))).toEqual(EXPECTED);
  });

  it('gives the Go version alone for a binary built outside a module (empty modinfo)', () => {
    expect(summary(oldGoElf({ is64: true, bigEndian: false, version: 'go1.10.8', modinfo: Buffer.alloc(0) }))).toEqual([{ name: 'stdlib', version: '1.10.8' }]);
  });

  it('ignores module text without cmd/go\'s sentinels, as debug/buildinfo does', () => {
    expect(summary(oldGoElf({ is64: true, bigEndian: false, modinfo: Buffer.from(MODINFO) }))).toEqual([{ name: 'stdlib', version: '1.16.15' }]);
  });

  it('reads nothing, without throwing, when the pointers lead outside the file\'s segments', () => {
    expect(parseGoBuildInfo(oldGoElf({ is64: true, bigEndian: false, shortSegment: true }))).toEqual([]);
    const truncated = oldGoElf({ is64: true, bigEndian: false }).subarray(0, 0x120);
    expect(parseGoBuildInfo(truncated)).toEqual([]);
  });

  it('reads the Go 1.18+ inline format as before', () => {
    const file = Buffer.alloc(0x200);
    MAGIC.copy(file, 0x40);
    file[0x4e] = 8;
    file[0x4f] = 2; // inline strings
    const version = Buffer.from('go1.21.4');
    const modinfo = Buffer.concat([INFO_START, Buffer.from('path\texample.com/app\nmod\texample.com/app\tv1.0.0\t\n'), INFO_END]);
    Buffer.concat([Buffer.from([version.length]), version, Buffer.from([modinfo.length]), modinfo]).copy(file, 0x60);
    expect(summary(file)).toEqual([{ name: 'stdlib', version: '1.21.4' }, { name: 'example.com/app', version: 'v1.0.0' }]);
  });
});
