import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultCacheDirectory } from '../image/layer-cache.js';

/**
 * Fetched dependencies on disk, addressed by content: `blobs/sha256/<hex>` holds archive bytes
 * (a chart .tgz, a file), `trees/<kind>-<id>/` what was unpacked from them (or a git commit's
 * tree). Entries are written beside their final name and renamed into place, so a reader sees
 * a whole entry or none, and two runs writing the same entry agree on its content.
 */
export class DependencyCache {
  readonly root: string;

  constructor(root: string = path.join(defaultCacheDirectory(), 'deps')) {
    this.root = root;
  }

  blobPath(sha256Hex: string): string {
    return path.join(this.root, 'blobs', 'sha256', sha256Hex);
  }

  treePath(id: string): string {
    return path.join(this.root, 'trees', id);
  }

  async readBlob(sha256Hex: string): Promise<Buffer | undefined> {
    return readFile(this.blobPath(sha256Hex)).catch(() => undefined);
  }

  async writeBlob(sha256Hex: string, bytes: Buffer): Promise<void> {
    const target = this.blobPath(sha256Hex);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, target);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async hasTree(id: string): Promise<boolean> {
    return stat(`${this.treePath(id)}.complete`).then(() => true, () => false);
  }

  /**
   * Fills a new tree with `fill(directory)` and moves it into place; a tree already there is kept.
   * Writers of one id in this process share one fill (dependencies with the same content, fetched
   * in parallel); across processes a tree only ever appears by a rename of a whole one, so a
   * writer that finds one there first keeps it.
   */
  writeTree(id: string, fill: (directory: string) => Promise<void>): Promise<string> {
    const pending = this.#writing.get(id);
    if (pending !== undefined) return pending;
    const writing = this.#writeTreeOnce(id, fill).finally(() => this.#writing.delete(id));
    this.#writing.set(id, writing);
    return writing;
  }

  readonly #writing = new Map<string, Promise<string>>();

  async #writeTreeOnce(id: string, fill: (directory: string) => Promise<void>): Promise<string> {
    const target = this.treePath(id);
    if (await this.hasTree(id)) return target;
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await mkdir(temporary, { recursive: true });
    try {
      await fill(temporary);
      await rename(temporary, target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      });
      await writeFile(`${target}.complete`, '');
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
    return target;
  }
}
