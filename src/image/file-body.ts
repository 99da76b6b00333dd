import { createHash } from 'node:crypto';
import { knownSha256, rememberSha256 } from './content-digest.js';

/**
 * A tar member's bytes as the decompressed stream delivered them: slices of its chunks, joined into
 * one buffer only when a reader needs them contiguous. Hashing and copying to a worker read the
 * slices where they are, so a file nobody needs whole is never copied (nor allocated) a second time.
 */
export class FileBody {
  private joined: Buffer | undefined;
  private digest: string | undefined;

  /**
   * `borrowed`: the parts are views of memory reused once the visit is over, so `bytes` is always a
   * copy (a visitor may keep it); `parent`: the body this is the head of, whose joined bytes this one's
   * are a view of when it has them
   */
  constructor(readonly parts: readonly Buffer[], readonly length: number, readonly borrowed = false, private readonly parent?: FileBody) {}

  static of(bytes: Buffer): FileBody {
    const body = new FileBody([bytes], bytes.length);
    body.joined = bytes;
    return body;
  }

  /** the bytes in one buffer, joined on the first ask */
  get bytes(): Buffer {
    if (this.joined === undefined) {
      if (this.parts.length === 1 && !this.borrowed) this.joined = this.parts[0]!;
      else this.joined = this.parent?.joined ? this.parent.joined.subarray(0, this.length) : Buffer.concat(this.parts, this.length);
      if (this.digest !== undefined) rememberSha256(this.joined, this.digest);
    }
    return this.joined;
  }

  /** the first `count` bytes (all of them when there are fewer) */
  head(count: number): FileBody {
    if (count >= this.length) return this;
    if (this.joined) return FileBody.of(this.joined.subarray(0, count));
    const parts: Buffer[] = [];
    let left = count;
    for (const part of this.parts) {
      if (left === 0) break;
      const taken = part.length <= left ? part : part.subarray(0, left);
      parts.push(taken);
      left -= taken.length;
    }
    return new FileBody(parts, count, this.borrowed, this);
  }

  /** hex SHA-256 of the bytes, computed once (shared with `contentSha256` of the joined buffer) */
  sha256(): string {
    if (this.digest === undefined) {
      const known = this.joined ? knownSha256(this.joined) : undefined;
      if (known !== undefined) this.digest = known;
      else {
        const hash = createHash('sha256');
        for (const part of this.parts) hash.update(part);
        this.digest = hash.digest('hex');
        if (this.joined) rememberSha256(this.joined, this.digest);
      }
    }
    return this.digest;
  }
}
