/**
 * Hand-made image parts for tests that need exact bytes (whiteouts, hostile names, broken
 * blobs): a minimal ustar writer and an OCI layout writer. Real images come from umoci/skopeo
 * (image-build.ts); these make what those tools refuse to make.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TarMember {
  readonly name: string;
  readonly content?: string | Buffer;
  /** '0' file (default), '5' directory, '2' symlink, '1' hard link */
  readonly type?: string;
  readonly linkname?: string;
  readonly mode?: number;
  /** the size written in the header, when it must lie */
  readonly declaredSize?: number;
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

export function tarBytes(members: readonly TarMember[], options: { end?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const member of members) {
    const content = Buffer.from(member.content ?? '');
    let name = member.name;
    if (Buffer.byteLength(name) > 100) {
      const record = (body: string): string => {
        let length = body.length + 3;
        while (`${length} ${body}`.length + 1 !== length) length = `${length} ${body}`.length + 1;
        return `${length} ${body}\n`;
      };
      const pax = Buffer.from(record(`path=${name}`));
      blocks.push(header('PaxHeader', pax.length, 'x', '', 0o644), pad(pax));
      name = name.slice(0, 99);
    }
    const type = member.type ?? '0';
    blocks.push(header(name, member.declaredSize ?? (type === '0' ? content.length : 0), type, member.linkname ?? '', member.mode ?? (type === '5' ? 0o755 : 0o644)));
    if (type === '0') blocks.push(pad(content));
  }
  if (options.end !== false) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function pad(content: Buffer): Buffer {
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  content.copy(padded);
  return padded;
}

function header(name: string, size: number, type: string, linkname: string, mode: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(mode, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(0, 12), 136);
  block.write('        ', 148);
  block.write(type, 156);
  block.write(linkname, 157, 100, 'utf8');
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148);
  return block;
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface LayoutLayer {
  /** the uncompressed tar */
  readonly tar: Buffer;
  /** stored as gzip (default), zstd bytes given by the caller, or as is */
  readonly blob?: Buffer;
  /** the diff_id to write in the config (default: the tar's real one) */
  readonly diffId?: string;
  readonly createdBy?: string;
}

export interface LayoutOptions {
  readonly env?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly tag?: string;
  readonly extraDiffIds?: readonly string[];
}

/** Writes an OCI layout with one image of these layers; returns the manifest digest. */
export async function writeLayout(directory: string, layers: readonly LayoutLayer[], options: LayoutOptions = {}): Promise<{ manifestDigest: string; blobs: string[] }> {
  await mkdir(path.join(directory, 'blobs', 'sha256'), { recursive: true });
  const put = async (bytes: Buffer): Promise<string> => {
    const digest = sha256(bytes);
    await writeFile(path.join(directory, 'blobs', 'sha256', digest.slice(7)), bytes);
    return digest;
  };
  const stored = layers.map((layer) => layer.blob ?? gzipSync(layer.tar));
  const blobs = await Promise.all(stored.map(put));
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Env: options.env ?? ['PATH=/usr/bin'], Labels: options.labels ?? {} },
    rootfs: { type: 'layers', diff_ids: [...layers.map((layer) => layer.diffId ?? sha256(layer.tar)), ...(options.extraDiffIds ?? [])] },
    history: layers.map((layer, index) => ({ created_by: layer.createdBy ?? `step ${index}` })),
  }));
  const configDigest = await put(config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: stored.map((blob, index) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blobs[index], size: blob.length })),
  }));
  const manifestDigest = await put(manifest);
  await writeFile(path.join(directory, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(path.join(directory, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': options.tag ?? 'latest' } }],
  }));
  return { manifestDigest, blobs };
}
