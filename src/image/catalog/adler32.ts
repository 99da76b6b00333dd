/** Adler-32 (RFC 1950 §8.2). */
export function adler32(bytes: Uint8Array): number {
  let low = 1;
  let high = 0;
  // 5552 is the most bytes that can be summed before `high` could pass 2^32 (zlib's NMAX)
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(bytes.length, start + 5552);
    for (let index = start; index < end; index++) {
      low += bytes[index]!;
      high += low;
    }
    low %= 65521;
    high %= 65521;
  }
  return ((high << 16) | low) >>> 0;
}
