/**
 * `keyword-presence.wat` compiled by wabt's `wat2wasm` (Debian `wabt`); after changing the source:
 * `wat2wasm src/secrets/keyword-presence.wat --output=- | base64 -w0`. A test checks the two agree.
 */
export const KEYWORD_PRESENCE_WASM =
  'AGFzbQEAAAABDgJgA39/fwBgA39/fwF/AwMCAAEFAwEAAQcZAwZtZW1vcnkCAAV3YWxrNAAABHdhbGsAAQr0AQLBAQEJfyACIQMgAiEEIAIhBSACIQYgACEHIAcgAWohCCAIIAFqIQkgCSABaiEKIAghCwJAIAcgC08NAANAIAMgBy0AAC0AAGooAgAhAyAEIAgtAAAtAABqKAIAIQQgBSAJLQAALQAAaigCACEFIAYgCi0AAC0AAGooAgAhBiAHQQFqIQcgCEEBaiEIIAlBAWohCSAKQQFqIQogByALSQ0ACwtBgAIgAzYCAEGEAiAENgIAQYgCIAU2AgBBjAIgBjYCAAsvAAJAIAEgAk8NAANAIAAgAS0AAC0AAGooAgAhACABQQFqIQEgASACSQ0ACwsgAAs=';

/** where the module finds byte classes, the walks' final states, the table and the bytes walked */
const CLASSES = 0;
const FINAL_STATES = 256;
const TABLE = 1024;
const PAGE = 64 * 1024;
/** bytes copied into the module's memory and walked at a time */
const CHUNK = 256 * 1024;
export const KEYWORD_PRESENCE_CHUNK = CHUNK;
/** a row's column is its class × 4 in one byte */
export const MAX_PRESENCE_ROW_WIDTH = 64;

/** the automaton's tables, as keyword-automaton.ts holds them */
export interface AutomatonTables {
  /** state × width + class → next state's row offset (state × width), `| accepts` where keywords end */
  readonly transitions: Int32Array;
  readonly width: number;
  readonly accepts: number;
  /** byte → character class */
  readonly byteClass: Uint8Array;
  readonly longest: number;
}

/** the few WebAssembly calls used here (Node 20's type declarations have none) */
interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
interface PresenceExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  walk4(base: number, stride: number, start: number): void;
  walk(state: number, from: number, to: number): number;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;
let compiled: object | undefined;

/**
 * Whether any keyword occurs in bytes, at a fraction of a JavaScript walk's cost (0.5-1 ns a byte
 * instead of 2-4: no bounds check or accept test per byte). Bytes are copied into the module's
 * memory a chunk at a time, each chunk starting with the previous one's last `longest − 1` bytes; a chunk
 * is walked as four interleaved quarters from the start state, plus a short walk across each inner
 * quarter boundary for keywords the quarters cut.
 */
export class KeywordPresence {
  private readonly walk4: (base: number, stride: number, start: number) => void;
  private readonly walk: (state: number, from: number, to: number) => number;
  private readonly bytes: Uint8Array;
  private readonly finals: Int32Array;
  private readonly root = TABLE;
  private readonly sink: number;
  private readonly data: number;
  private readonly overlap: number;

  constructor(tables: AutomatonTables) {
    const { transitions, width, accepts, byteClass } = tables;
    if (width > MAX_PRESENCE_ROW_WIDTH) throw new Error(`keyword presence: ${width} character classes do not fit a byte column`);
    const states = transitions.length / width;
    const rowBytes = width * 4;
    this.sink = TABLE + states * rowBytes;
    this.data = Math.ceil((this.sink + rowBytes) / PAGE) * PAGE;
    this.overlap = tables.longest - 1;
    compiled ??= new wasm.Module(Buffer.from(KEYWORD_PRESENCE_WASM, 'base64'));
    const exports = new wasm.Instance(compiled, {}).exports as PresenceExports;
    exports.memory.grow((this.data + CHUNK) / PAGE - exports.memory.buffer.byteLength / PAGE);
    this.walk4 = exports.walk4;
    this.walk = exports.walk;
    this.bytes = new Uint8Array(exports.memory.buffer);
    this.finals = new Int32Array(exports.memory.buffer, FINAL_STATES, 4);
    for (let byte = 0; byte < 256; byte += 1) this.bytes[CLASSES + byte] = byteClass[byte]! * 4;
    const table = new Int32Array(exports.memory.buffer, TABLE, (states + 1) * width);
    const shift = Math.log2(width);
    for (let index = 0; index < transitions.length; index += 1) {
      const entry = transitions[index]!;
      // entering a state where a keyword ends: the answer is known, stay in the sink
      table[index] = (entry & accepts) !== 0 ? this.sink : TABLE + (entry >> shift) * rowBytes;
    }
    table.fill(this.sink, states * width);
  }

  /** whether a keyword occurs in the bytes of `parts`, one after the other (a keyword may span parts) */
  occursIn(parts: readonly Uint8Array[]): boolean {
    const { bytes, data, overlap } = this;
    let filled = 0;
    for (const part of parts) {
      for (let at = 0; at < part.length; ) {
        const count = Math.min(CHUNK - filled, part.length - at);
        bytes.set(count === part.length ? part : part.subarray(at, at + count), data + filled);
        filled += count;
        at += count;
        if (filled < CHUNK) continue;
        if (this.occursInChunk(CHUNK)) return true;
        // the next chunk starts with this one's last bytes: a keyword cut by the chunk's end is whole in it
        bytes.copyWithin(data, data + CHUNK - overlap, data + CHUNK);
        filled = overlap;
      }
    }
    return this.occursInChunk(filled);
  }

  private occursInChunk(length: number): boolean {
    const { data, root, sink, overlap } = this;
    const stride = length >> 2;
    if (stride <= 2 * overlap) return this.walk(root, data, data + length) === sink;
    this.walk4(data, stride, root);
    const finals = this.finals;
    if (finals[0] === sink || finals[1] === sink || finals[2] === sink || finals[3] === sink) return true;
    // a keyword cut by an inner quarter boundary starts at most `overlap` bytes before it and ends less than `overlap` after it
    for (let quarter = 1; quarter < 4; quarter += 1) {
      const boundary = data + quarter * stride;
      if (this.walk(root, boundary - overlap, boundary + overlap) === sink) return true;
    }
    // the last quarter's walk goes on over the remainder
    return this.walk(finals[3]!, data + 4 * stride, data + length) === sink;
  }
}
