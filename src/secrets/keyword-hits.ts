import { byteColumns, CLASSES, FINAL_STATES, fixedMemory, instantiate, PAGE, pastTable, TABLE, type AutomatonTables } from './keyword-wasm-layout.js';

/**
 * `keyword-hits.wat` compiled by wabt's `wat2wasm` (Debian `wabt`); after changing the source:
 * `wat2wasm src/secrets/keyword-hits.wat --output=- | base64 -w0`. A test checks the two agree.
 */
export const KEYWORD_HITS_WASM = 'AGFzbQEAAAABCQFgBH9/f38BfwISAQNlbnYGbWVtb3J5AgEBgIAEAwIBAAcIAQRoaXRzAAAKYgFgAQF/IAEhBAJAIAQgAk8NAANAIABBfnEgBC0AAC0AAGooAgAhACAAQQFxBEAgAyAEIAFrNgIAIAMgADYCBCADQQhqIQMLIARBAWohBCAEIAJJDQALC0GAAiAANgIAIAML';

/** characters walked at a time: each may end keywords, so the hits' room is 8 bytes a character */
const CHUNK = 64 * 1024;
export const KEYWORD_HITS_CHUNK = CHUNK;

interface HitsExports {
  hits(state: number, from: number, to: number, out: number): number;
}

/**
 * Finds where keywords end in ASCII text, walking the automaton's table in WebAssembly (about a
 * nanosecond a character, a few times faster than the walk in JavaScript). The text is copied
 * into the module's memory a chunk at a time; each chunk's walk goes on from the state the last
 * one ended in.
 */
export class KeywordHits {
  private readonly exports: HitsExports;
  private readonly memory: Buffer;
  private readonly words: Int32Array;
  private readonly data: number;
  private readonly out: number;

  constructor(tables: Pick<AutomatonTables, 'transitions' | 'accepts' | 'byteClass'>) {
    const { transitions, accepts, byteClass } = tables;
    this.data = pastTable(transitions.length * 4);
    this.out = this.data + CHUNK;
    const memory = fixedMemory((this.out + 8 * CHUNK) / PAGE);
    this.exports = instantiate<HitsExports>(KEYWORD_HITS_WASM, memory);
    this.memory = Buffer.from(memory.buffer);
    this.words = new Int32Array(memory.buffer);
    // a row offset (state × width) of the automaton's table is a byte address here: × 4, past TABLE
    const table = new Int32Array(memory.buffer, TABLE, transitions.length);
    for (let index = 0; index < transitions.length; index += 1) {
      const entry = transitions[index]!;
      table[index] = (TABLE + (entry & ~accepts) * 4) | ((entry & accepts) !== 0 ? 1 : 0);
    }
    this.memory.set(byteColumns(byteClass), CLASSES);
  }

  /**
   * Calls `onHit(offset, rowOffset)` for each character of text[from, to) after which keywords end
   * (`rowOffset`: the state's row offset in the automaton's own table, as `outputs` is keyed),
   * in order. False, having called nothing, when the text there is not all ASCII.
   */
  scan(text: string, from: number, to: number, onHit: (offset: number, rowOffset: number) => void): boolean {
    const { memory, words, data, out, exports } = this;
    // ASCII alone has one UTF-8 byte a character, so that offsets stay those of the text
    if (Buffer.byteLength(text.slice(from, to), 'utf8') !== to - from) return false;
    let state = TABLE;
    for (let at = from; at < to; at += CHUNK) {
      const length = Math.min(CHUNK, to - at);
      memory.write(text.slice(at, at + length), data, length, 'latin1');
      const end = exports.hits(state, data, data + length, out);
      state = words[FINAL_STATES >> 2]!;
      for (let pair = out >> 2; pair < end >> 2; pair += 2) onHit(at + words[pair]!, ((words[pair + 1]! & ~1) - TABLE) >> 2);
    }
    return true;
  }
}
