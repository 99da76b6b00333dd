interface Region {
  readonly start: number;
  readonly end: number;
  freed: boolean;
}

/**
 * Shared memory handed out in contiguous regions, in order, and freed in any order: the space of a
 * region is reused once every region allocated before it is free too. Files are copied in once and
 * read by a worker in place, so no buffer is allocated (nor collected) per file or per message.
 */
export class ByteRing {
  readonly buffer: SharedArrayBuffer;
  private readonly bytes: Uint8Array;
  /** live regions in allocation order (from `oldest` on) */
  private readonly live = new Map<number, Region>();
  private oldest = 0;
  private nextId = 0;

  constructor(readonly size: number) {
    this.buffer = new SharedArrayBuffer(size);
    this.bytes = new Uint8Array(this.buffer);
  }

  /** a region of `length` (> 0) bytes, or undefined while not enough is free */
  allocate(length: number): number | undefined {
    if (length <= 0 || length > this.size) return undefined;
    const first = this.live.get(this.oldest);
    let start: number | undefined;
    if (!first) start = 0;
    else {
      const head = this.live.get(this.nextId - 1)!.end;
      if (head > first.start) {
        // the used space is one run [first.start, head): after it, else from the beginning
        if (this.size - head >= length) start = head;
        else if (first.start >= length) start = 0;
      } else if (first.start - head >= length) start = head; // it wraps: only the gap between
    }
    if (start === undefined) return undefined;
    this.live.set(this.nextId, { start, end: start + length, freed: false });
    return this.nextId++;
  }

  /** no region is allocated: the ring can serve another owner */
  get empty(): boolean {
    return this.live.size === 0;
  }

  offsetOf(region: number): number {
    return this.region(region).start;
  }

  /** copies `parts` one after the other from `offset` */
  write(offset: number, parts: readonly Uint8Array[]): void {
    let at = offset;
    for (const part of parts) {
      this.bytes.set(part, at);
      at += part.length;
    }
  }

  free(region: number): void {
    this.region(region).freed = true;
    while (this.oldest < this.nextId && this.live.get(this.oldest)!.freed) this.live.delete(this.oldest++);
  }

  private region(id: number): Region {
    const found = this.live.get(id);
    if (!found) throw new Error(`ring region ${id} is not allocated`);
    return found;
  }
}
