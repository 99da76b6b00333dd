import { performance } from 'node:perf_hooks';
import { addTime } from '../analysis-timings.js';
import type { LayerPipeline } from '../analyze.js';
import type { BlobSpool } from './blob-spool.js';

/** images analysed at once: one reading its layers while the next downloads and the one before finishes */
export const IMAGES_IN_FLIGHT = 2;

/**
 * The images of `scan --analyze-images` as a bounded pipeline. At most IMAGES_IN_FLIGHT images are
 * analysed at once (memory holds no more than their state); of those, one at a time reads its layers
 * (`readTurn`, in the order they asked), so while it does, the next image's layer blobs download into
 * the spool and the previous image's results are finished (secret and YARA answers, tampering,
 * inventory, vulnerability matching). A layer several images hold is downloaded and read by the
 * first and restored from the layer memory by the others.
 */
export class ImagePipeline implements LayerPipeline {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private turns: Promise<unknown> = Promise.resolve();
  private readonly named = new Set<string>();
  private readingMs = 0;
  private readonly started = performance.now();
  private lastReadEnd = this.started;

  constructor(private readonly spool: BlobSpool, private readonly limit = IMAGES_IN_FLIGHT) {}

  /** runs `work` (one image's whole analysis) once fewer than the limit run, in the order asked */
  async admit<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  readTurn<T>(read: (pass: () => void) => Promise<T>): Promise<T> {
    let pass!: () => void;
    const passed = new Promise<void>((resolve) => { pass = resolve; });
    const turn = this.turns.then(async () => {
      const started = performance.now();
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        this.lastReadEnd = performance.now();
        this.readingMs += this.lastReadEnd - started;
        pass();
      };
      try {
        return await read(end);
      } finally {
        end();
      }
    });
    // the next image reads once this one has passed the turn on (its last layer read) or is done
    this.turns = Promise.race([passed, turn.then(() => undefined, () => undefined)]);
    return turn;
  }

  firstToRead(key: string): boolean {
    if (this.named.has(key)) return false;
    this.named.add(key);
    return true;
  }

  /**
   * Wall times for the benchmark's split (`RAMPART_IMAGE_TIMINGS`): downloading (any blob
   * downloading), reading layers (one image at a time), of that waiting for a download, and the
   * tail after the last layer was read (the last image's results).
   */
  noteTimings(): void {
    const ended = performance.now();
    addTime('wall: images, all of it', ended - this.started);
    addTime('wall: downloading blobs', this.spool.downloadMs);
    addTime('wall: reading layers', this.readingMs);
    addTime('wall: reading layers, waiting for a download', this.spool.waitedMs);
    addTime('wall: after the last layer was read', ended - this.lastReadEnd);
    addTime('bytes downloaded into the spool', this.spool.downloadedBytes);
  }
}
