/**
 * Pulls exact byte counts out of an async stream of chunks without concatenating more than asked:
 * file bodies that nobody wants are skipped chunk by chunk, so memory stays bounded by one chunk.
 */
export class ChunkReader {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  /** bytes consumed so far (read or skipped) */
  position = 0;
  /** slices handed out by `readParts` are still in use (until `release`) */
  private pinned = false;

  /** `ring`: the chunks are views of memory the producer reuses once told it is released */
  constructor(private readonly source: AsyncIterator<Buffer>, private readonly ring?: RingRelease) {}

  /** whether the slices `readParts` hands out are views of reused memory (valid until `release`) */
  get borrowed(): boolean {
    return this.ring !== undefined;
  }

  /** nothing read so far is in use any more: a ring producer may reuse it */
  release(): void {
    this.pinned = false;
    this.ring?.release(this.position);
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    if (next.value.length > 0) {
      this.chunks.push(next.value);
      this.buffered += next.value.length;
    }
    return true;
  }

  /** `count` bytes, or fewer when the stream ends first */
  async read(count: number): Promise<Buffer> {
    while (this.buffered < count && (await this.pull()));
    const take = Math.min(count, this.buffered);
    const first = this.chunks[0];
    let result: Buffer;
    if (first && first.length >= take) {
      result = first.subarray(0, take);
      this.consume(take);
    } else {
      const parts: Buffer[] = [];
      let needed = take;
      while (needed > 0) {
        const chunk = this.chunks[0]!;
        const part = chunk.subarray(0, Math.min(needed, chunk.length));
        parts.push(part);
        needed -= part.length;
        this.consume(part.length);
      }
      result = Buffer.concat(parts, take);
    }
    return result;
  }

  /**
   * `count` bytes (fewer when the stream ends first) as slices of the chunks they came in: nothing is
   * copied, unless the chunks are borrowed from a ring and `copy` asks (or the bytes could fill it)
   */
  async readParts(count: number, copy = false): Promise<Buffer[]> {
    const copying = this.ring !== undefined && (copy || count > this.ring.maxPinned);
    const parts: Buffer[] = [];
    let needed = count;
    while (needed > 0) {
      if (this.buffered === 0 && !(await this.pull())) break;
      const chunk = this.chunks[0]!;
      const part = chunk.length <= needed ? chunk : chunk.subarray(0, needed);
      parts.push(copying ? Buffer.from(part) : part);
      needed -= part.length;
      this.consume(part.length);
      if (copying && !this.pinned) this.ring!.release(this.position);
    }
    if (this.ring && !copying) this.pinned = true;
    return parts;
  }

  /** skips `count` bytes; returns how many were there */
  async skip(count: number): Promise<number> {
    let remaining = count;
    while (remaining > 0) {
      if (this.buffered === 0 && !(await this.pull())) break;
      const chunk = this.chunks[0]!;
      const step = Math.min(remaining, chunk.length);
      this.consume(step);
      remaining -= step;
      if (this.ring && !this.pinned) this.ring.release(this.position);
    }
    return count - remaining;
  }

  /** reads everything left, discarding it */
  async drain(): Promise<void> {
    this.position += this.buffered;
    this.chunks.length = 0;
    this.buffered = 0;
    this.release();
    while (await this.pull()) {
      this.position += this.buffered;
      this.chunks.length = 0;
      this.buffered = 0;
      this.release();
    }
  }

  private consume(count: number): void {
    this.position += count;
    this.buffered -= count;
    const first = this.chunks[0]!;
    if (count === first.length) this.chunks.shift();
    else this.chunks[0] = first.subarray(count);
  }
}

/** How a reader of ring-borrowed chunks gives the space back. */
export interface RingRelease {
  /** bodies longer than this are copied out rather than kept as views (they could fill the ring) */
  readonly maxPinned: number;
  /** no byte before `position` (counted from the stream's start) is in use any more */
  release(position: number): void;
}
