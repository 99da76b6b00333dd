import { KeywordHits } from './keyword-hits.js';
import { KeywordPresence, MAX_PRESENCE_KEYWORD, MAX_PRESENCE_ROW_WIDTH } from './keyword-presence.js';

const ASCII = 128;
/** table entries are row offsets (state × row width), so the low bit is free: 1 marks a state where keywords end */
const ACCEPTS = 1;
/** a stretch this long or longer is walked in WebAssembly (copying it there costs about as much as a JavaScript walk of a few dozen characters) */
const WASM_FROM = 256;

/**
 * Aho–Corasick automaton over ASCII, case-insensitive: one pass over the text finds every
 * occurrence of every keyword. Transitions are precomputed (a DFA, upper case folded in), so the
 * scan is one table lookup per character whatever the number of keywords. Characters are first
 * mapped to the few classes keywords use (every other character is class 0), so a row holds one
 * entry per class, not per ASCII code: the table stays small enough for the cache with hundreds of keywords.
 */
export class KeywordAutomaton {
  /** next state's row offset, `| ACCEPTS` when keywords end there */
  private readonly transitions: Int32Array;
  /** ASCII code → character class (case folded); 0 for characters no keyword holds */
  private readonly classOf: Uint8Array;
  /** byte → character class: classOf for ASCII, 0 (no keyword holds it: back to the start) above */
  private readonly byteClass: Uint8Array;
  /** the longest keyword's length: how far the chunks and walks of `occursIn` overlap, and a region's reading runs on */
  readonly longest: number;
  /** ~(row width − 1): the row offset of a table entry */
  private readonly rowMask: number;
  /** occursIn's walker, once built; null when the table is too wide for it */
  private presence: KeywordPresence | null | undefined;
  /** `scan`'s walker in WebAssembly, once built */
  private hits: KeywordHits | undefined;
  /** keyword indexes ending at each state (by row offset), suffix matches included */
  private readonly outputs: Map<number, readonly number[]>;

  constructor(readonly keywords: readonly string[]) {
    const classOf = new Uint8Array(ASCII);
    let classes = 1;
    for (const keyword of keywords) {
      for (const char of keyword.toLowerCase()) {
        const code = char.charCodeAt(0);
        if (code >= ASCII) throw new Error(`keyword ${keyword} is not ASCII`);
        if (classOf[code] === 0) classOf[code] = classes++;
      }
    }
    for (let upper = 65; upper <= 90; upper += 1) classOf[upper] = classOf[upper + 32]!;
    let width = 2;
    while (width < classes) width *= 2;
    // the trie: a keyword's characters are at most one state each
    const capacity = 1 + keywords.reduce((sum, keyword) => sum + keyword.length, 0);
    const gotos = new Int32Array(capacity * width).fill(-1);
    const children: number[][] = [[]];
    const ends: number[][] = [[]];
    keywords.forEach((keyword, index) => {
      let state = 0;
      for (const char of keyword.toLowerCase()) {
        const code = classOf[char.charCodeAt(0)]!;
        let next = gotos[state * width + code]!;
        if (next === -1) {
          next = children.length;
          children.push([]);
          ends.push([]);
          gotos[state * width + code] = next;
          children[state]!.push(code);
        }
        state = next;
      }
      ends[state]!.push(index);
    });
    // Breadth first, each state's row starts as a copy of its failure state's row (done before it)
    // and its own trie edges are written over it: the work is a row copy per state plus one step per
    // edge, not one per state and class (the build is part of every scan's start-up).
    const states = children.length;
    const outputs: number[][] = ends;
    const fail = new Int32Array(states);
    const transitions = new Int32Array(states * width);
    const shift = Math.log2(width);
    const entry = (target: number): number => (target << shift) | (outputs[target]!.length > 0 ? ACCEPTS : 0);
    transitions.fill(entry(0), 0, width);
    const queue: number[] = [];
    for (const code of children[0]!) {
      const target = gotos[code]!;
      transitions[code] = entry(target);
      queue.push(target);
    }
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head]!;
      const failRow = fail[state]! * width;
      transitions.copyWithin(state * width, failRow, failRow + width);
      for (const code of children[state]!) {
        const target = gotos[state * width + code]!;
        fail[target] = transitions[failRow + code]! >> shift;
        // the target's failure state is shallower, so its outputs are complete
        const inherited = outputs[fail[target]!]!;
        if (inherited.length > 0) outputs[target] = [...outputs[target]!, ...inherited];
        transitions[state * width + code] = entry(target);
        queue.push(target);
      }
    }
    this.transitions = transitions;
    this.classOf = classOf;
    this.byteClass = new Uint8Array(256);
    this.byteClass.set(classOf);
    this.longest = Math.max(1, ...keywords.map((keyword) => keyword.length));
    this.rowMask = ~(width - 1);
    this.outputs = new Map(outputs.flatMap((found, state) => (found.length > 0 ? [[state * width, found] as const] : [])));
  }

  /**
   * Whether any keyword occurs in UTF-8 bytes: a byte outside ASCII is in no keyword, as a character
   * outside ASCII is not. The bytes may come as parts, read one after the other. The table is walked
   * in WebAssembly (keyword-presence.ts), built on first use; keywords of more character classes than
   * its byte columns hold, or longer than its windows, are walked here.
   */
  occursIn(bytes: Uint8Array | readonly Uint8Array[]): boolean {
    if (this.presence === undefined) {
      const width = ~this.rowMask + 1;
      this.presence = width > MAX_PRESENCE_ROW_WIDTH || this.longest > MAX_PRESENCE_KEYWORD ? null : new KeywordPresence({ transitions: this.transitions, width, accepts: ACCEPTS, byteClass: this.byteClass, longest: this.longest });
    }
    const parts = bytes instanceof Uint8Array ? [bytes] : bytes;
    if (this.presence) return this.presence.occursIn(parts);
    const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    return this.walk(joined, 0, 0, joined.length);
  }

  /** one walk from `state` over bytes [from, to): whether a keyword ends in it */
  private walk(bytes: Uint8Array, state: number, from: number, to: number): boolean {
    const { transitions, byteClass, rowMask } = this;
    for (let at = from; at < to; at += 1) {
      state = transitions[(state & rowMask) + byteClass[bytes[at]!]!]!;
      if ((state & ACCEPTS) !== 0) return true;
    }
    return false;
  }

  /** Calls `onHit(keywordIndex, start)` for every occurrence in [from, to) of `text`, in order of its end. */
  scan(text: string, onHit: (keyword: number, start: number) => void, from = 0, to = text.length): void {
    const { outputs, keywords } = this;
    if (to - from >= WASM_FROM) {
      this.hits ??= new KeywordHits({ transitions: this.transitions, accepts: ACCEPTS, byteClass: this.byteClass });
      const walked = this.hits.scan(text, from, to, (index, row) => {
        const found = outputs.get(row)!;
        for (let k = 0; k < found.length; k += 1) {
          const keyword = found[k]!;
          onHit(keyword, index + 1 - keywords[keyword]!.length);
        }
      });
      if (walked) return;
    }
    this.scanHere(text, onHit, from, to);
  }

  /** `scan` walked in JavaScript: for short stretches, and text outside ASCII */
  private scanHere(text: string, onHit: (keyword: number, start: number) => void, from: number, to: number): void {
    const { transitions, outputs, keywords, classOf, rowMask } = this;
    let state = 0;
    for (let index = from; index < to; index += 1) {
      const code = text.charCodeAt(index);
      // a character outside ASCII is in no keyword: back to the start
      state = code < ASCII ? transitions[(state & rowMask) + classOf[code]!]! : 0;
      if ((state & ACCEPTS) === 0) continue;
      const found = outputs.get(state & rowMask)!;
      for (let k = 0; k < found.length; k += 1) {
        const keyword = found[k]!;
        onHit(keyword, index + 1 - keywords[keyword]!.length);
      }
    }
  }
}
