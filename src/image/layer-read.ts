import { performance } from 'node:perf_hooks';
import { addTime } from './analysis-timings.js';
import type { LayerRead, LayerVisitor } from './analyze.js';
import { imagePath, whiteoutOf, type Whiteout } from './entry-path.js';
import type { FileBody } from './file-body.js';
import { readLayerFileInWorker, WORKER_MIN_BYTES } from './layer-inflate.js';
import type { LayerLimits } from './layer-limits.js';
import { readLayerBlob } from './layer-reader.js';
import type { BlobRef } from './manifest-plan.js';
import type { OpenedImage } from './open-image.js';
import type { ImageEntry } from './squash.js';
import type { TarEntry } from './tar-reader.js';

function toImageEntry(tar: TarEntry, layer: number): ImageEntry | undefined {
  const path = imagePath(tar.name);
  if (path === undefined) return undefined;
  return { path, type: tar.type, mode: tar.mode, uid: tar.uid, gid: tar.gid, size: tar.size, linkname: tar.linkname, layer };
}

/** Reads one layer whole (a file of 1 MiB or more — a layout's, an archive's, a registry blob downloaded ahead — in the layer worker), handing its members to the visitors. */
export async function readLayer(opened: OpenedImage, blob: BlobRef, index: number, visitors: readonly LayerVisitor[], limits: LayerLimits, tarRead?: () => void): Promise<LayerRead> {
  for (const visitor of visitors) await visitor.beginLayer?.(index);
  const entries: ImageEntry[] = [];
  const whiteouts: Whiteout[] = [];
  const notes: string[] = [];
  // the tar reader asks `wanted` and then calls `visit` for the same member: each visitor is asked once
  let wants: number[] = [];
  const wanted = (tar: TarEntry): number => {
    const entry = toImageEntry(tar, index);
    wants = !entry || whiteoutOf(entry.path) !== undefined ? [] : visitors.map((visitor) => visitor.wanted(entry));
    return Math.max(0, ...wants);
  };
  const visit = async (tar: TarEntry, content: FileBody | undefined, truncated: boolean): Promise<void> => {
    const entry = toImageEntry(tar, index);
    if (!entry) {
      notes.push(`layer ${index}: ${JSON.stringify(tar.name.slice(0, 200))} climbs out of the root; not placed`);
      return;
    }
    const whiteout = whiteoutOf(entry.path);
    if (whiteout === 'invalid') {
      notes.push(`layer ${index}: ${JSON.stringify(entry.path.slice(0, 200))} is not a valid whiteout; ignored`);
      return;
    }
    if (whiteout) {
      whiteouts.push(whiteout);
      return;
    }
    entries.push(entry);
    if (content) {
      for (const [position, visitor] of visitors.entries()) {
        const limit = wants[position] ?? 0;
        if (limit === 0) continue;
        const body = content.head(limit);
        const cut = truncated || content.length > limit;
        if (visitor.visitBody) await visitor.visitBody(entry, body, cut);
        else await visitor.visit(entry, body.bytes, cut);
      }
    }
  };
  const inFile = await opened.source.fileRange?.(blob.location).catch(() => undefined);
  // a file no longer than the descriptor says (a registry blob downloaded ahead) needs no stored-size cap: the worker then inflates it straight into the ring
  const { maxStoredBytes, ...fileLimits } = limits;
  let digests = inFile && inFile.length >= WORKER_MIN_BYTES
    ? await readLayerFileInWorker(inFile, wanted, visit, maxStoredBytes !== undefined && inFile.length > maxStoredBytes ? limits : fileLimits)
    : await opened.source.withBlob(blob.location, (stream) => readLayerBlob(stream, wanted, visit, limits));
  const again = digests.error === undefined ? visitors.filter((visitor) => visitor.readAgain?.(index)) : [];
  if (again.length > 0) {
    // rare (a layer that adds another kind of package database): a read that fails now leaves the layer incomplete
    const { error } = (await readLayer(opened, blob, index, again, limits)).digests;
    if (error !== undefined) digests = { ...digests, error };
  }
  tarRead?.();
  const ending = performance.now();
  for (const visitor of visitors) await visitor.endLayer?.(index);
  addTime('wall: layer ends, waiting for the workers', performance.now() - ending);
  return { digests, entries, whiteouts, notes };
}
