/** A range of a text claimed by a detector, with that detector's priority. */
export interface Claim {
  readonly start: number;
  readonly end: number;
  readonly priority: number;
}

/**
 * Where claims overlap, the higher priority wins, then the longer claim, then the earlier one:
 * claims are taken in that order and each is kept unless it overlaps one kept before. The kept
 * claims never overlap each other, so a new one overlaps a kept one exactly when a kept claim
 * starts inside it or the last kept claim starting before it reaches into it: both are answered
 * by a Fenwick tree over the claims' start offsets, O(log n) per claim. Returns them by start.
 */
export function resolveOverlaps<T extends Claim>(claims: readonly T[]): T[] {
  if (claims.length <= 1) return [...claims];
  const byStart = claims.map((_, index) => index).sort((a, b) => claims[a]!.start - claims[b]!.start);
  const starts = byStart.map((index) => claims[index]!.start);
  /** position of each claim among the starts */
  const slot = new Int32Array(claims.length);
  byStart.forEach((index, position) => {
    slot[index] = position;
  });
  const kept = new KeptSet(claims.length);
  const ordered = claims.map((_, index) => index).sort((a, b) => {
    const x = claims[a]!;
    const y = claims[b]!;
    return y.priority - x.priority || (y.end - y.start) - (x.end - x.start) || x.start - y.start;
  });
  const keptEnd = new Float64Array(claims.length);
  for (const index of ordered) {
    const claim = claims[index]!;
    const first = lowerBound(starts, claim.start);
    const pastEnd = lowerBound(starts, Math.max(claim.end, claim.start + 1));
    // a kept claim starting inside this one (an empty claim counts its own offset)
    if (kept.countBefore(pastEnd) - kept.countBefore(first) > 0) continue;
    // the last kept claim starting before this one, if it reaches past this one's start
    const before = kept.countBefore(first);
    if (before > 0 && keptEnd[kept.findNth(before)]! > claim.start) continue;
    kept.add(slot[index]!);
    keptEnd[slot[index]!] = claim.end;
  }
  return byStart.filter((_, position) => kept.has(position)).map((index) => claims[index]!);
}

/** First position whose start is at least `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A set of positions 0…size-1 with counts of members below a position and the n-th member (a Fenwick tree). */
class KeptSet {
  private readonly tree: Int32Array;
  private readonly member: Uint8Array;
  private readonly top: number;

  constructor(private readonly size: number) {
    this.tree = new Int32Array(size + 1);
    this.member = new Uint8Array(size);
    let top = 1;
    while (top * 2 <= size) top *= 2;
    this.top = top;
  }

  has(position: number): boolean {
    return this.member[position] === 1;
  }

  add(position: number): void {
    if (this.member[position] === 1) return;
    this.member[position] = 1;
    for (let node = position + 1; node <= this.size; node += node & -node) this.tree[node]! += 1;
  }

  /** members at positions below `position` */
  countBefore(position: number): number {
    let total = 0;
    for (let node = position; node > 0; node -= node & -node) total += this.tree[node]!;
    return total;
  }

  /** position of the n-th member (1-based n, at most the member count) */
  findNth(n: number): number {
    let node = 0;
    let left = n;
    for (let step = this.top; step > 0; step >>= 1) {
      const next = node + step;
      if (next <= this.size && this.tree[next]! < left) {
        node = next;
        left -= this.tree[next]!;
      }
    }
    return node;
  }
}
