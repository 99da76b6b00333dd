import { inflateSync } from 'node:zlib';
import type { ImagePackage } from './package.js';

type Found = Omit<ImagePackage, 'path' | 'layer'>;

/** The bytes of a named section of an ELF file, when the file is ELF and has it (32/64-bit, either byte order). */
export function elfSection(file: Buffer, wanted: string): Buffer | undefined {
  if (file.length < 64 || file.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = file[4] === 2;
  const little = file[5] !== 2;
  const u16 = (at: number): number => (little ? file.readUInt16LE(at) : file.readUInt16BE(at));
  const u32 = (at: number): number => (little ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const word = (at: number): number => (is64 ? Number(little ? file.readBigUInt64LE(at) : file.readBigUInt64BE(at)) : u32(at));
  try {
    const sectionTable = word(is64 ? 0x28 : 0x20);
    const entrySize = u16(is64 ? 0x3a : 0x2e);
    const count = u16(is64 ? 0x3c : 0x30);
    const namesIndex = u16(is64 ? 0x3e : 0x32);
    if (count === 0 || sectionTable + count * entrySize > file.length) return undefined;
    const header = (index: number): { name: number; offset: number; size: number } => {
      const at = sectionTable + index * entrySize;
      return { name: u32(at), offset: word(at + (is64 ? 0x18 : 0x10)), size: word(at + (is64 ? 0x20 : 0x14)) };
    };
    const names = header(namesIndex);
    for (let index = 0; index < count; index++) {
      const section = header(index);
      const nameStart = names.offset + section.name;
      const nameEnd = file.indexOf(0, nameStart);
      if (nameEnd === -1 || file.toString('latin1', nameStart, nameEnd) !== wanted) continue;
      if (section.offset + section.size > file.length) return undefined;
      return file.subarray(section.offset, section.offset + section.size);
    }
  } catch {
    return undefined; // offsets past the end: not an ELF file we can read
  }
  return undefined;
}

const GO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

function readVarint(buffer: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let shift = 0;
  for (let position = at; position < buffer.length && shift < 35; position++) {
    const byte = buffer[position]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: position + 1 };
    shift += 7;
  }
  return undefined;
}

/** An ELF file's loadable segments, to turn a virtual address into bytes of the file. */
interface Segment {
  readonly vaddr: number;
  readonly offset: number;
  readonly size: number;
}

function elfSegments(file: Buffer): Segment[] {
  if (file.length < 64 || file.readUInt32BE(0) !== 0x7f454c46) return [];
  const is64 = file[4] === 2;
  const little = file[5] !== 2;
  const u16 = (at: number): number => (little ? file.readUInt16LE(at) : file.readUInt16BE(at));
  const u32 = (at: number): number => (little ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const word = (at: number): number => (is64 ? Number(little ? file.readBigUInt64LE(at) : file.readBigUInt64BE(at)) : u32(at));
  const segments: Segment[] = [];
  try {
    const table = word(is64 ? 0x20 : 0x1c);
    const entrySize = u16(is64 ? 0x36 : 0x2a);
    const count = u16(is64 ? 0x38 : 0x2c);
    for (let index = 0; index < count; index++) {
      const at = table + index * entrySize;
      if (u32(at) !== 1) continue; // PT_LOAD
      segments.push(is64 ? { offset: word(at + 0x08), vaddr: word(at + 0x10), size: word(at + 0x20) } : { offset: u32(at + 0x04), vaddr: u32(at + 0x08), size: u32(at + 0x10) });
    }
  } catch {
    return []; // a table past the end: nothing to follow
  }
  return segments;
}

/** `size` bytes at virtual address `address`, when one loadable segment holds them in the file */
function bytesAt(file: Buffer, segments: readonly Segment[], address: number, size: number): Buffer | undefined {
  for (const segment of segments) {
    if (address < segment.vaddr || address + size > segment.vaddr + segment.size) continue;
    const start = segment.offset + (address - segment.vaddr);
    return start + size <= file.length ? file.subarray(start, start + size) : undefined;
  }
  return undefined;
}

/** `runtime.buildVersion` and `runtime.modinfo` (still framed by its sentinels) */
interface GoBuildStrings {
  readonly goVersion: string;
  readonly modinfo: Buffer;
}

/** Go strings longer than this are not build info (debug/buildinfo's own limit) */
const GO_STRING_MAX = 1 << 20;

/**
 * The two strings of Go's build info before 1.18: the header holds the addresses of two string
 * headers (`runtime.buildVersion`, `runtime.modinfo`), each a data pointer and a length, in the
 * binary's pointer size and byte order; the addresses are followed through the ELF segments.
 */
function pointerBuildInfo(file: Buffer, header: number): GoBuildStrings | undefined {
  const pointerSize = file[header + 14];
  const bigEndian = (file[header + 15]! & 1) !== 0;
  if (pointerSize !== 4 && pointerSize !== 8) return undefined;
  const pointer = (bytes: Buffer, at: number): number => {
    if (pointerSize === 4) return bigEndian ? bytes.readUInt32BE(at) : bytes.readUInt32LE(at);
    const value = bigEndian ? bytes.readBigUInt64BE(at) : bytes.readBigUInt64LE(at);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(value);
  };
  const segments = elfSegments(file);
  const goString = (address: number): Buffer | undefined => {
    const stringHeader = address < 0 ? undefined : bytesAt(file, segments, address, 2 * pointerSize);
    if (!stringHeader) return undefined;
    const length = pointer(stringHeader, pointerSize);
    if (length < 0 || length > GO_STRING_MAX) return undefined;
    return bytesAt(file, segments, pointer(stringHeader, 0), length);
  };
  const goVersion = goString(pointer(file, header + 16))?.toString('utf8');
  if (!goVersion) return undefined;
  return { goVersion, modinfo: goString(pointer(file, header + 16 + pointerSize)) ?? Buffer.alloc(0) };
}

/** Go 1.18+: the two strings follow the 32-byte header, each after its varint length. */
function inlineBuildInfo(file: Buffer, header: number): GoBuildStrings | undefined {
  const versionLength = readVarint(file, header + 32);
  if (!versionLength || versionLength.value > 1024) return undefined;
  const goVersion = file.toString('utf8', versionLength.next, versionLength.next + versionLength.value);
  const modLength = readVarint(file, versionLength.next + versionLength.value);
  const modinfo = modLength && modLength.next + modLength.value <= file.length ? file.subarray(modLength.next, modLength.next + modLength.value) : Buffer.alloc(0);
  return { goVersion, modinfo };
}

/**
 * Go build info, in the inline format of Go 1.18+ and the pointer format before it: the Go version
 * → `stdlib`, the main module and every dependency with its version (a `=>` replacement wins).
 */
export function parseGoBuildInfo(file: Buffer): Found[] {
  let info: GoBuildStrings | undefined;
  // the linker aligns the header to 16 bytes; a stray copy of the magic elsewhere is passed over
  for (let at = file.indexOf(GO_MAGIC); at !== -1 && !info; at = file.indexOf(GO_MAGIC, at + 1)) {
    if (at + 32 > file.length) break;
    info = (file[at + 15]! & 0x2) !== 0 ? inlineBuildInfo(file, at) : pointerBuildInfo(file, at);
  }
  if (!info) return [];
  // the module text is framed by two 16-byte sentinels, the second after a newline
  const { goVersion } = info;
  const framed = info.modinfo;
  const modinfo = framed.length >= 33 && framed[framed.length - 17] === 0x0a ? framed.toString('utf8', 16, framed.length - 16) : '';
  const packages: Found[] = [];
  const stdlib = /^go(\d+(?:\.\d+)*)/.exec(goVersion);
  if (stdlib) packages.push({ type: 'golang', name: 'stdlib', version: stdlib[1]!, foundBy: 'go-binary' });
  let last: { name: string; version: string } | undefined;
  const modules: Array<{ name: string; version: string }> = [];
  for (const line of modinfo.split('\n')) {
    const [kind, path, version] = line.split('\t');
    if ((kind === 'mod' || kind === 'dep') && path && version) {
      last = { name: path, version };
      modules.push(last);
    } else if (kind === '=>' && last && path && version) {
      last.name = path;
      last.version = version;
    }
  }
  for (const module of modules) packages.push({ type: 'golang', name: module.name, version: module.version, foundBy: 'go-binary' });
  return packages;
}

/** cargo-auditable's `.dep-v0` section: zlib-compressed JSON of the crates built in. */
export function parseCargoAuditable(file: Buffer): Found[] {
  const section = elfSection(file, '.dep-v0');
  if (!section) return [];
  try {
    const parsed = JSON.parse(inflateSync(section, { maxOutputLength: 16 * 1024 * 1024 }).toString('utf8')) as { packages?: Array<{ name?: unknown; version?: unknown; source?: unknown }> };
    return (parsed.packages ?? [])
      .filter((crate) => typeof crate.name === 'string' && typeof crate.version === 'string')
      .map((crate) => ({ type: 'cargo' as const, name: String(crate.name), version: String(crate.version), foundBy: 'cargo-auditable' }));
  } catch {
    return [];
  }
}
