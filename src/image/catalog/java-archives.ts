import { append } from '../../append.js';
import { inflateRawSync } from 'node:zlib';
import type { ImagePackage } from './package.js';

type Found = Omit<ImagePackage, 'path' | 'layer'>;

export const JAVA_ARCHIVE = /\.(?:jar|war|ear|par|sar|nar|jpi|hpi|rar)$/i;

interface ZipMember {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localOffset: number;
}

/** bounds for members read out of an archive: metadata is small, nested jars are not unpacked past this */
const MAX_MEMBER_BYTES = 32 * 1024 * 1024;
const MAX_MEMBERS = 200_000;
const MAX_DEPTH = 2;

/** The central directory of a zip held in memory (no ZIP64: such archives are skipped). */
function zipMembers(zip: Buffer): ZipMember[] {
  const searchFrom = Math.max(0, zip.length - 65_557);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]), zip.length - 22);
  if (end < searchFrom || end === -1) return [];
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const members: ZipMember[] = [];
  for (let index = 0; index < Math.min(count, MAX_MEMBERS); index++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) break;
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    members.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      uncompressedSize: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

function memberBytes(zip: Buffer, member: ZipMember): Buffer | undefined {
  if (member.uncompressedSize > MAX_MEMBER_BYTES || member.localOffset + 30 > zip.length) return undefined;
  if (zip.readUInt32LE(member.localOffset) !== 0x04034b50) return undefined;
  const start = member.localOffset + 30 + zip.readUInt16LE(member.localOffset + 26) + zip.readUInt16LE(member.localOffset + 28);
  const data = zip.subarray(start, start + member.compressedSize);
  try {
    if (member.method === 0) return data;
    if (member.method === 8) return inflateRawSync(data, { maxOutputLength: MAX_MEMBER_BYTES });
  } catch {
    return undefined;
  }
  return undefined;
}

/** `key=value` lines (pom.properties) or `Key: value` headers with continuation lines (MANIFEST.MF). */
function properties(text: string, separator: '=' | ':'): Map<string, string> {
  const values = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (separator === ':' && line.startsWith(' ') && last) {
      values.set(last, `${values.get(last) ?? ''}${line.slice(1)}`);
      continue;
    }
    if (line.startsWith('#')) continue;
    const at = line.indexOf(separator);
    if (at <= 0) continue;
    last = line.slice(0, at).trim();
    values.set(last, line.slice(at + 1).trim());
  }
  return values;
}

/**
 * Maven artifacts in a Java archive, as Syft reads them: every `META-INF/maven/**\/pom.properties`
 * (shaded jars carry several), else the manifest's title and version (or the file name's version);
 * nested archives (Spring Boot's BOOT-INF/lib, a war's WEB-INF/lib) are read the same way.
 */
export function parseJavaArchive(zip: Buffer, fileName: string, depth = 0): Found[] {
  const members = zipMembers(zip);
  const found: Found[] = [];
  for (const member of members) {
    if (!/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(member.name)) continue;
    const bytes = memberBytes(zip, member);
    if (!bytes) continue;
    const pom = properties(bytes.toString('utf8'), '=');
    const group = pom.get('groupId');
    const artifact = pom.get('artifactId');
    const version = pom.get('version');
    if (group && artifact && version) found.push({ type: 'maven', namespace: group, name: artifact, version, foundBy: 'java-archive' });
  }
  if (found.length === 0) {
    const manifest = members.find((member) => member.name === 'META-INF/MANIFEST.MF');
    const bytes = manifest ? memberBytes(zip, manifest) : undefined;
    const headers = bytes ? properties(bytes.toString('utf8'), ':') : new Map<string, string>();
    const stem = fileName.replace(/^.*\//, '').replace(JAVA_ARCHIVE, '');
    const fromName = /^(.+?)-(\d[\w.+-]*)$/.exec(stem);
    const name = headers.get('Implementation-Title') ?? headers.get('Bundle-SymbolicName')?.split(';')[0] ?? fromName?.[1] ?? stem;
    const version = headers.get('Implementation-Version') ?? headers.get('Bundle-Version') ?? fromName?.[2];
    if (name && version) found.push({ type: 'maven', name, version, foundBy: 'java-archive' });
  }
  if (depth < MAX_DEPTH) {
    for (const member of members) {
      if (!JAVA_ARCHIVE.test(member.name)) continue;
      const nested = memberBytes(zip, member);
      if (nested) append(found, parseJavaArchive(nested, member.name, depth + 1));
    }
  }
  return found;
}
