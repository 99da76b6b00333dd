import { byteColumns, CLASSES, FINAL_STATES, fixedMemory, instantiate, PAGE, pastTable, TABLE, type AutomatonTables, type WasmMemory } from './keyword-wasm-layout.js';

/**
 * `keyword-presence.wat` compiled by wabt's `wat2wasm` (Debian `wabt`); after changing the source:
 * `wat2wasm --enable-threads src/secrets/keyword-presence.wat --output=- | base64 -w0`. A test checks the two agree.
 */
export const KEYWORD_PRESENCE_WASM =
  'AGFzbQEAAAABDgJgA39/fwBgA39/fwF/AhIBA2VudgZtZW1vcnkCAwGAgAQDAwIAAQcQAgV3YWxrNAAABHdhbGsAAQr0AQLBAQEJfyACIQMgAiEEIAIhBSACIQYgACEHIAcgAWohCCAIIAFqIQkgCSABaiEKIAghCwJAIAcgC08NAANAIAMgBy0AAC0AAGooAgAhAyAEIAgtAAAtAABqKAIAIQQgBSAJLQAALQAAaigCACEFIAYgCi0AAC0AAGooAgAhBiAHQQFqIQcgCEEBaiEIIAlBAWohCSAKQQFqIQogByALSQ0ACwtBgAIgAzYCAEGEAiAENgIAQYgCIAU2AgBBjAIgBjYCAAsvAAJAIAEgAk8NAANAIAAgAS0AAC0AAGooAgAhACABQQFqIQEgASACSQ0ACwsgAAs=';

/** where windows are copied (between the walks' final states and the table) */
const SCRATCH = 512;
/** bytes copied into the module's memory and walked at a time */
const CHUNK = 256 * 1024;
export const KEYWORD_PRESENCE_CHUNK = CHUNK;
/** a row's column is its class × 4 in one byte */
export const MAX_PRESENCE_ROW_WIDTH = 64;
/** a window across a gap between parts (twice the longest keyword) fits the scratch area */
export const MAX_PRESENCE_KEYWORD = (TABLE - SCRATCH) / 2;
/** what a ring memory keeps before its ring for the walk's own use (the catalogue's table is about 0.75 MB) */
const RING_RESERVED = 2 * 1024 * 1024;

interface PresenceExports {
  walk4(base: number, stride: number, start: number): void;
  walk(state: number, from: number, to: number): number;
}

/** ring memories made by `walkableRing` by their buffer, and the presence whose table each holds once one has walked it */
const ringMemories = new WeakMap<SharedArrayBuffer, WasmMemory<SharedArrayBuffer>>();
const ringTables = new WeakMap<SharedArrayBuffer, KeywordPresence>();
const spareRings: SharedArrayBuffer[] = [];
const SPARE_RINGS = 2;

/**
 * Shared memory for a ring of `bytes` (from `offset`) whose contents `occursIn` walks where they
 * are, not copied: the memory keeps room before the ring for the walk's table. Give it back with
 * `releaseWalkableRing` once no thread uses it.
 */
export function walkableRing(bytes: number): { readonly buffer: SharedArrayBuffer; readonly offset: number } {
  const pages = (RING_RESERVED + bytes) / PAGE;
  const spare = spareRings.findIndex((buffer) => buffer.byteLength === pages * PAGE);
  if (spare !== -1) return { buffer: spareRings.splice(spare, 1)[0]!, offset: RING_RESERVED };
  const memory = fixedMemory(pages, true);
  ringMemories.set(memory.buffer, memory);
  return { buffer: memory.buffer, offset: RING_RESERVED };
}

export function releaseWalkableRing(buffer: SharedArrayBuffer): void {
  if (ringMemories.has(buffer) && spareRings.length < SPARE_RINGS && !spareRings.includes(buffer)) spareRings.push(buffer);
}

/** one instance of the module over one memory, whose table area holds one automaton's table */
class Walker {
  private readonly exports: PresenceExports;
  readonly bytes: Uint8Array;
  private readonly finals: Int32Array;
  private readonly sink: number;

  constructor(memory: WasmMemory<SharedArrayBuffer>, table: Int32Array, byteClasses: Uint8Array, private readonly overlap: number) {
    this.exports = instantiate<PresenceExports>(KEYWORD_PRESENCE_WASM, memory);
    this.bytes = new Uint8Array(memory.buffer);
    this.finals = new Int32Array(memory.buffer, FINAL_STATES, 4);
    this.bytes.set(byteClasses, CLASSES);
    new Int32Array(memory.buffer, TABLE, table.length).set(table);
    // the sink's row is the last, every entry of it the sink
    this.sink = table[table.length - 1]!;
  }

  /** whether a keyword occurs in the memory's bytes [start, start + length) */
  occursAt(start: number, length: number): boolean {
    const { overlap, sink } = this;
    const { walk, walk4 } = this.exports;
    const stride = length >> 2;
    if (stride <= 2 * overlap) return walk(TABLE, start, start + length) === sink;
    walk4(start, stride, TABLE);
    const finals = this.finals;
    if (finals[0] === sink || finals[1] === sink || finals[2] === sink || finals[3] === sink) return true;
    // a keyword cut by an inner quarter boundary starts at most `overlap` bytes before it and ends less than `overlap` after it
    for (let quarter = 1; quarter < 4; quarter += 1) {
      const boundary = start + quarter * stride;
      if (walk(TABLE, boundary - overlap, boundary + overlap) === sink) return true;
    }
    // the last quarter's walk goes on over the remainder
    return walk(finals[3]!, start + 4 * stride, start + length) === sink;
  }

  /** whether a keyword occurs in `window` (a few bytes, copied to the scratch area first) */
  occursInWindow(window: readonly Uint8Array[]): boolean {
    let at = SCRATCH;
    for (const piece of window) {
      this.bytes.set(piece, at);
      at += piece.length;
    }
    return this.exports.walk(TABLE, SCRATCH, at) === this.sink;
  }
}

/**
 * Whether any keyword occurs in bytes, at a fraction of a JavaScript walk's cost (0.5-1 ns a byte
 * instead of 2-4: no bounds check or accept test per byte). Bytes in a ring memory (`walkableRing`)
 * are walked where they are; others are copied into the module's own memory a chunk at a time, each
 * chunk starting with the previous one's last `longest − 1` bytes. A stretch of bytes is walked as
 * four interleaved quarters from the start state, plus a short walk across each inner quarter
 * boundary for keywords the quarters cut.
 */
export class KeywordPresence {
  private readonly table: Int32Array;
  private readonly byteClasses: Uint8Array;
  private readonly overlap: number;
  private readonly own: Walker;
  private readonly data: number;
  private readonly inRings = new WeakMap<SharedArrayBuffer, Walker>();
  /** whether the table fits the room a ring memory keeps for it (else its bytes are copied too) */
  private readonly fitsRing: boolean;

  constructor(tables: AutomatonTables) {
    const { transitions, width, accepts, byteClass } = tables;
    if (width > MAX_PRESENCE_ROW_WIDTH) throw new Error(`keyword presence: ${width} character classes do not fit a byte column`);
    this.overlap = tables.longest - 1;
    if (tables.longest > MAX_PRESENCE_KEYWORD) throw new Error(`keyword presence: keywords of ${tables.longest} characters do not fit its windows`);
    const states = transitions.length / width;
    const rowBytes = width * 4;
    const sink = TABLE + states * rowBytes;
    const table = new Int32Array((states + 1) * width);
    const shift = Math.log2(width);
    for (let index = 0; index < transitions.length; index += 1) {
      const entry = transitions[index]!;
      // entering a state where a keyword ends: the answer is known, stay in the sink
      table[index] = (entry & accepts) !== 0 ? sink : TABLE + (entry >> shift) * rowBytes;
    }
    table.fill(sink, states * width);
    this.table = table;
    this.fitsRing = TABLE + table.byteLength <= RING_RESERVED;
    this.byteClasses = byteColumns(byteClass);
    this.data = pastTable(table.byteLength);
    const memory = fixedMemory((this.data + CHUNK) / PAGE, true);
    this.own = new Walker(memory, table, this.byteClasses, this.overlap);
  }

  /** whether a keyword occurs in the bytes of `parts`, one after the other (a keyword may span parts) */
  occursIn(parts: readonly Uint8Array[]): boolean {
    const inPlace = this.ringWalker(parts);
    return inPlace ? this.occursInPlace(inPlace, parts) : this.occursCopied(parts);
  }

  private occursCopied(parts: readonly Uint8Array[]): boolean {
    const { own, data, overlap } = this;
    const bytes = own.bytes;
    let filled = 0;
    for (const part of parts) {
      for (let at = 0; at < part.length; ) {
        const count = Math.min(CHUNK - filled, part.length - at);
        bytes.set(count === part.length ? part : part.subarray(at, at + count), data + filled);
        filled += count;
        at += count;
        if (filled < CHUNK) continue;
        if (own.occursAt(data, CHUNK)) return true;
        // the next chunk starts with this one's last bytes: a keyword cut by the chunk's end is whole in it
        bytes.copyWithin(data, data + CHUNK - overlap, data + CHUNK);
        filled = overlap;
      }
    }
    return own.occursAt(data, filled);
  }

  /** parts in a ring memory: each stretch of adjacent parts walked where it is, and a window around each gap between stretches */
  private occursInPlace(walker: Walker, parts: readonly Uint8Array[]): boolean {
    const stretches: Array<{ start: number; length: number; from: number }> = [];
    parts.forEach((part, index) => {
      const last = stretches.at(-1);
      if (last && last.start + last.length === part.byteOffset) last.length += part.length;
      else if (part.length > 0) stretches.push({ start: part.byteOffset, length: part.length, from: index });
    });
    for (const { start, length } of stretches) if (walker.occursAt(start, length)) return true;
    for (let gap = 1; gap < stretches.length; gap += 1) {
      if (walker.occursInWindow(windowAround(parts, stretches[gap]!.from, this.overlap))) return true;
    }
    return false;
  }

  /** the walker over the ring memory all of `parts` are in, when they are in one whose table area is this presence's or free */
  private ringWalker(parts: readonly Uint8Array[]): Walker | undefined {
    const buffer = parts[0]?.buffer;
    if (!this.fitsRing || !(buffer instanceof SharedArrayBuffer)) return undefined;
    const memory = ringMemories.get(buffer);
    if (!memory || parts.some((part) => part.buffer !== buffer)) return undefined;
    const owner = ringTables.get(buffer);
    if (owner !== undefined && owner !== this) return undefined;
    let walker = this.inRings.get(buffer);
    if (!walker) {
      walker = new Walker(memory, this.table, this.byteClasses, this.overlap);
      this.inRings.set(buffer, walker);
      ringTables.set(buffer, this);
    }
    return walker;
  }
}

/** the last `overlap` bytes before part `index` and its first `overlap` bytes (and on, over short parts): where a keyword across the gap lies */
function windowAround(parts: readonly Uint8Array[], index: number, overlap: number): Uint8Array[] {
  const before: Uint8Array[] = [];
  for (let at = index - 1, left = overlap; at >= 0 && left > 0; at -= 1) {
    const part = parts[at]!;
    before.unshift(part.subarray(Math.max(0, part.length - left)));
    left -= Math.min(left, part.length);
  }
  const after: Uint8Array[] = [];
  for (let at = index, left = overlap; at < parts.length && left > 0; at += 1) {
    const part = parts[at]!;
    after.push(part.subarray(0, left));
    left -= Math.min(left, part.length);
  }
  return [...before, ...after];
}
