const ASCII = 128;
/** table entries are row offsets (state × row width), so the low bit is free: 1 marks a state where keywords end */
const ACCEPTS = 1;

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
  /** ~(row width − 1): the row offset of a table entry */
  private readonly rowMask: number;
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
    const gotos: Array<Int32Array> = [new Int32Array(width).fill(-1)];
    const outputs: number[][] = [[]];
    keywords.forEach((keyword, index) => {
      let state = 0;
      for (const char of keyword.toLowerCase()) {
        const code = classOf[char.charCodeAt(0)]!;
        let next = gotos[state]![code]!;
        if (next === -1) {
          next = gotos.length;
          gotos.push(new Int32Array(width).fill(-1));
          outputs.push([]);
          gotos[state]![code] = next;
        }
        state = next;
      }
      outputs[state]!.push(index);
    });
    const fail = new Int32Array(gotos.length);
    const next = new Int32Array(gotos.length * width);
    const queue: number[] = [];
    for (let code = 0; code < width; code += 1) {
      const target = gotos[0]![code]!;
      next[code] = target === -1 ? 0 : target;
      if (target !== -1) queue.push(target);
    }
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head]!;
      outputs[state]!.push(...outputs[fail[state]!]!);
      for (let code = 0; code < width; code += 1) {
        const target = gotos[state]![code]!;
        const fallback = next[fail[state]! * width + code]!;
        if (target === -1) {
          next[state * width + code] = fallback;
        } else {
          fail[target] = fallback;
          next[state * width + code] = target;
          queue.push(target);
        }
      }
    }
    this.transitions = new Int32Array(next.length);
    for (let entry = 0; entry < next.length; entry += 1) {
      const target = next[entry]!;
      this.transitions[entry] = target * width | (outputs[target]!.length > 0 ? ACCEPTS : 0);
    }
    this.classOf = classOf;
    this.rowMask = ~(width - 1);
    this.outputs = new Map(outputs.flatMap((found, state) => (found.length > 0 ? [[state * width, found] as const] : [])));
  }

  /** Calls `onHit(keywordIndex, start)` for every occurrence, in order of its end. */
  /** whether any keyword occurs in UTF-8 bytes: a byte outside ASCII is in no keyword, as a character outside ASCII is not */
  occursIn(bytes: Uint8Array): boolean {
    const { transitions, classOf, rowMask } = this;
    let state = 0;
    for (let index = 0; index < bytes.length; index += 1) {
      const code = bytes[index]!;
      state = code < ASCII ? transitions[(state & rowMask) + classOf[code]!]! : 0;
      if ((state & ACCEPTS) !== 0) return true;
    }
    return false;
  }

  scan(text: string, onHit: (keyword: number, start: number) => void): void {
    const { transitions, outputs, keywords, classOf, rowMask } = this;
    const length = text.length;
    let state = 0;
    for (let index = 0; index < length; index += 1) {
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
