/** Reads the SSH wire encoding (RFC 4251 §5): uint32, uint64, string, mpint. */
export class SshReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer, private readonly what = 'SSH data') {}

  get position(): number {
    return this.offset;
  }

  get done(): boolean {
    return this.offset >= this.buffer.length;
  }

  uint32(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint64(): bigint {
    this.need(8);
    const value = this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  bytes(length: number): Buffer {
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  /** an mpint without its sign byte, big-endian */
  mpint(): Buffer {
    const value = this.string();
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start += 1;
    return value.subarray(start);
  }

  private need(length: number): void {
    if (this.offset + length > this.buffer.length) throw new Error(`truncated ${this.what}`);
  }
}

export function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
