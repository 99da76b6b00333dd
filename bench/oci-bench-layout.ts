import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** a command's stdout; throws with its stderr when it fails */
export function sh(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * An OCI layout at `layout` whose layers are the directory trees `trees` (tarred by GNU tar,
 * root-owned, compressed with gzip -6 or zstd -3 as asked), with a config naming their diff_ids.
 */
export async function writeBenchLayout(layout: string, trees: ReadonlyArray<{ tree: string; zstd?: boolean }>): Promise<void> {
  const blobs = path.join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const layers: Array<{ digest: string; size: number; diffId: string; mediaType: string }> = [];
  for (const [index, { tree, zstd }] of trees.entries()) {
    const tar = path.join(layout, `layer-${index}.tar`);
    sh('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-cf', tar, '-C', tree, '.']);
    const diffId = await sha256File(tar);
    const compressed = `${tar}.${zstd ? 'zst' : 'gz'}`;
    if (zstd) sh('zstd', ['-q', '-3', '-T0', '-f', tar, '-o', compressed]);
    else sh('sh', ['-c', `gzip -6 -c "${tar}" > "${compressed}"`]);
    rmSync(tar);
    const digest = await sha256File(compressed);
    const size = statSync(compressed).size;
    renameSync(compressed, path.join(blobs, digest.slice(7)));
    layers.push({ digest, size, diffId, mediaType: `application/vnd.oci.image.layer.v1.tar+${zstd ? 'zstd' : 'gzip'}` });
  }
  const put = (bytes: Buffer): { digest: string; size: number } => {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    writeFileSync(path.join(blobs, digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };
  const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/usr/bin'] }, rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) }, history: layers.map((_, index) => ({ created_by: `layer ${index}` })) })));
  const manifest = put(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size })),
  })));
  writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }] }));
}

/** wall and CPU seconds (user + system, every thread and child) and peak RSS (MB) of one command, from GNU time; an exit status not in `allowed` throws */
export function timedCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, allowed: readonly number[] = [0, 1]): { seconds: number; cpu: number; rssMb: number; stdout: string } {
  const result = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %U %S %M', command, ...args], { encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  const match = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
  if (!match || !allowed.includes(result.status ?? -1)) throw new Error(`${command} failed (${result.status}): ${result.stderr.slice(-500)}`);
  return { seconds: Number(match[1]), cpu: Number(match[2]) + Number(match[3]), rssMb: Number(match[4]) / 1024, stdout: result.stdout };
}
