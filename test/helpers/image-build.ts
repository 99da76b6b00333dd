/**
 * Real multi-layer images for tests: each layer is a umoci unpack → change → repack of the
 * previous one, so whiteouts are the ones umoci writes. Archives come from skopeo.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);

export interface LayerChange {
  readonly files?: Readonly<Record<string, string | Buffer>>;
  /** paths removed (files or whole directories) */
  readonly remove?: readonly string[];
  readonly modes?: Readonly<Record<string, number>>;
  /** directories whose contents are copied into the root first, modes and links kept (`cp -a DIR/. ROOT`) */
  readonly trees?: readonly string[];
  /** the history step's created_by (default `layer N`) */
  readonly createdBy?: string;
}

export interface ImageConfigOptions {
  readonly env?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly architecture?: string;
}

/** An OCI layout at `<workDir>/<name>` with one image `<name>:<tag>` of these layers. */
export async function buildLayeredImage(workDir: string, name: string, tag: string, layers: readonly LayerChange[], config: ImageConfigOptions = {}): Promise<string> {
  const layout = path.join(workDir, name);
  const image = `${layout}:${tag}`;
  const bundle = path.join(workDir, `${name}-bundle`);
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', image]);
  const configArgs = ['config', '--image', image, '--architecture', config.architecture ?? 'amd64', '--os', 'linux'];
  for (const variable of config.env ?? []) configArgs.push('--config.env', variable);
  for (const [key, value] of Object.entries(config.labels ?? {})) configArgs.push('--config.label', `${key}=${value}`);
  await run('umoci', configArgs);
  for (const [index, layer] of layers.entries()) {
    await run('umoci', ['unpack', '--rootless', '--image', image, bundle]);
    const root = path.join(bundle, 'rootfs');
    for (const tree of layer.trees ?? []) await run('cp', ['-a', `${tree}/.`, root]);
    for (const removed of layer.remove ?? []) await rm(path.join(root, removed), { recursive: true, force: true });
    for (const [file, content] of Object.entries(layer.files ?? {})) {
      const target = path.join(root, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    for (const [file, mode] of Object.entries(layer.modes ?? {})) await chmod(path.join(root, file), mode);
    await run('umoci', ['repack', '--image', image, '--history.created_by', layer.createdBy ?? `layer ${index}`, bundle]);
    await rm(bundle, { recursive: true, force: true });
  }
  await run('umoci', ['gc', '--layout', layout]);
  return layout;
}

/** `skopeo copy oci:<layout>:<tag> <destination>` */
export async function skopeoCopy(source: string, destination: string, extra: readonly string[] = []): Promise<void> {
  await run('skopeo', ['copy', '--quiet', ...extra, source, destination]);
}

/** The blob files of a layout. */
export async function layoutBlobs(layout: string): Promise<string[]> {
  return (await readdir(path.join(layout, 'blobs', 'sha256'))).map((name) => path.join(layout, 'blobs', 'sha256', name));
}
