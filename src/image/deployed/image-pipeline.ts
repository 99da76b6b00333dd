import { performance } from 'node:perf_hooks';
import { addTime } from '../analysis-timings.js';
import type { LayerPipeline } from '../analyze.js';
import type { BlobSpool } from './blob-spool.js';

/** images analysed at once: one reading its layers while the one before finishes */
export const IMAGES_IN_FLIGHT = 2;
/**
 * images opened at once (manifests and config read, layer blobs downloading into the spool), those
 * being analysed included: an image waiting for its turn holds only its manifests and config
 */
export const IMAGES_AHEAD = 8;

/**
 * The images of `scan --analyze-images` as a bounded pipeline. Up to IMAGES_AHEAD images are opened
 * ahead of their turn, so that their layer blobs download into the spool while earlier images are
 * analysed (fewer while the spool is full). Of those, at most IMAGES_IN_FLIGHT are analysed at once
 * (memory holds no more than their state), and one at a time reads its layers (`readTurn`, in the
 * order they asked), while the previous image's results are finished (secret and YARA answers,
 * tampering, inventory, vulnerability matching). A layer several images hold is downloaded and read
 * by the first and restored from the layer memory by the others.
 */
export class ImagePipeline {
  private admitted = 0;
  private readonly waitingToOpen: Array<() => void> = [];
  private analysing = 0;
  private readonly waitingToAnalyse: Array<() => void> = [];
  private turns: Promise<unknown> = Promise.resolve();
  private readonly named = new Set<string>();
  private readingMs = 0;
  private readonly started = performance.now();
  private lastReadEnd = this.started;

  constructor(private readonly spool: BlobSpool, private readonly limit = IMAGES_IN_FLIGHT, private readonly ahead = Math.max(limit, IMAGES_AHEAD)) {}

  /**
   * Runs `work` (one image's whole analysis) once fewer than the look-ahead are open and the spool
   * has room, in the order asked. `work` reads its layers through `lane`, which also holds it back
   * until fewer than the limit are being analysed. What `work` throws is its own image's failure.
   */
  async admit<T>(work: (lane: LayerPipeline) => Promise<T>): Promise<T> {
    // a waiting image is woken with its place already counted (openNext)
    if (this.waitingToOpen.length > 0 || !this.mayOpen()) await new Promise<void>((resolve) => this.waitingToOpen.push(resolve));
    else this.admitted += 1;
    let slot: Promise<void> | undefined;
    const lane: LayerPipeline = {
      readTurn: async (read) => {
        // the slot is taken before the turn is asked for: an image holding one never waits behind one that waits for one
        slot ??= this.takeSlot();
        await slot;
        return this.readTurn(read);
      },
      firstToRead: (key) => this.firstToRead(key),
    };
    try {
      return await work(lane);
    } finally {
      this.admitted -= 1;
      if (slot) await slot.then(() => this.freeSlot());
      this.openNext();
    }
  }

  /** the spool frees room after a read, a moment after the image that read has moved on */
  private mayOpen(): boolean {
    return this.admitted === 0 || (this.admitted < this.ahead && this.spool.hasRoom());
  }

  private openNext(): void {
    while (this.waitingToOpen.length > 0 && this.mayOpen()) {
      this.admitted += 1;
      this.waitingToOpen.shift()!();
    }
  }

  private async takeSlot(): Promise<void> {
    if (this.analysing >= this.limit || this.waitingToAnalyse.length > 0) await new Promise<void>((resolve) => this.waitingToAnalyse.push(resolve));
    else this.analysing += 1;
  }

  private freeSlot(): void {
    const next = this.waitingToAnalyse.shift();
    if (next) next(); // the slot passes to it as it is
    else this.analysing -= 1;
  }

  private readTurn<T>(read: (pass: () => void) => Promise<T>): Promise<T> {
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

  private firstToRead(key: string): boolean {
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
