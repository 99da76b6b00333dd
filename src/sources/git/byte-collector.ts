/** Bytes gathered across stream chunks until a whole line or body is in, joined only when split. */
export class ByteCollector {
  private parts: Buffer[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  add(part: Buffer): void {
    if (part.length === 0) return;
    this.parts.push(part);
    this.size += part.length;
  }

  /** Everything gathered, as one buffer; the collector is empty afterwards. */
  take(): Buffer {
    const joined = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return joined;
  }
}
