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

/**
 * Go build info (Go 1.18+ inline format): the Go version → `stdlib`, the main module and every
 * dependency with its version (a `=>` replacement wins). Older pointer-based build info is not read.
 */
export function parseGoBuildInfo(file: Buffer): Found[] {
  let at = file.indexOf(GO_MAGIC);
  while (at !== -1 && (at + 32 > file.length || (file[at + 15]! & 0x2) === 0)) at = file.indexOf(GO_MAGIC, at + 1);
  if (at === -1) return [];
  const versionLength = readVarint(file, at + 32);
  if (!versionLength || versionLength.value > 1024) return [];
  const goVersion = file.toString('utf8', versionLength.next, versionLength.next + versionLength.value);
  const modLength = readVarint(file, versionLength.next + versionLength.value);
  let modinfo = '';
  if (modLength && modLength.value > 32 && modLength.next + modLength.value <= file.length) {
    modinfo = file.toString('utf8', modLength.next + 16, modLength.next + modLength.value - 16);
  }
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
