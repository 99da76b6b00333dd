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

  constructor(private readonly source: AsyncIterator<Buffer>) {}

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

  /** `count` bytes (fewer when the stream ends first) as slices of the chunks they came in: nothing is copied */
  async readParts(count: number): Promise<Buffer[]> {
    const parts: Buffer[] = [];
    let needed = count;
    while (needed > 0) {
      if (this.buffered === 0 && !(await this.pull())) break;
      const chunk = this.chunks[0]!;
      const part = chunk.length <= needed ? chunk : chunk.subarray(0, needed);
      parts.push(part);
      needed -= part.length;
      this.consume(part.length);
    }
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
    }
    return count - remaining;
  }

  /** reads everything left, discarding it */
  async drain(): Promise<void> {
    while (await this.pull()) {
      this.position += this.buffered;
      this.chunks.length = 0;
      this.buffered = 0;
    }
    this.position += this.buffered;
    this.chunks.length = 0;
    this.buffered = 0;
  }

  private consume(count: number): void {
    this.position += count;
    this.buffered -= count;
    const first = this.chunks[0]!;
    if (count === first.length) this.chunks.shift();
    else this.chunks[0] = first.subarray(count);
  }
}
