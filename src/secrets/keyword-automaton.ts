const ALPHABET = 128;
/** table entries are row offsets (state × ALPHABET), so the low bits are free: 1 marks a state where keywords end */
const ACCEPTS = 1;
const ROW = ~(ALPHABET - 1);

/**
 * Aho–Corasick automaton over ASCII, case-insensitive: one pass over the text finds every
 * occurrence of every keyword. Transitions are precomputed (a DFA, upper case folded in), so the
 * scan is one table lookup per character whatever the number of keywords.
 */
export class KeywordAutomaton {
  /** next state's row offset, `| ACCEPTS` when keywords end there */
  private readonly transitions: Int32Array;
  /** keyword indexes ending at each state (by row offset), suffix matches included */
  private readonly outputs: Map<number, readonly number[]>;

  constructor(readonly keywords: readonly string[]) {
    const gotos: Array<Int32Array> = [new Int32Array(ALPHABET).fill(-1)];
    const outputs: number[][] = [[]];
    keywords.forEach((keyword, index) => {
      let state = 0;
      for (const char of keyword.toLowerCase()) {
        const code = char.charCodeAt(0);
        if (code >= ALPHABET) throw new Error(`keyword ${keyword} is not ASCII`);
        let next = gotos[state]![code]!;
        if (next === -1) {
          next = gotos.length;
          gotos.push(new Int32Array(ALPHABET).fill(-1));
          outputs.push([]);
          gotos[state]![code] = next;
        }
        state = next;
      }
      outputs[state]!.push(index);
    });
    const fail = new Int32Array(gotos.length);
    const next = new Int32Array(gotos.length * ALPHABET);
    const queue: number[] = [];
    for (let code = 0; code < ALPHABET; code += 1) {
      const target = gotos[0]![code]!;
      next[code] = target === -1 ? 0 : target;
      if (target !== -1) queue.push(target);
    }
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head]!;
      outputs[state]!.push(...outputs[fail[state]!]!);
      for (let code = 0; code < ALPHABET; code += 1) {
        const target = gotos[state]![code]!;
        const fallback = next[fail[state]! * ALPHABET + code]!;
        if (target === -1) {
          next[state * ALPHABET + code] = fallback;
        } else {
          fail[target] = fallback;
          next[state * ALPHABET + code] = target;
          queue.push(target);
        }
      }
    }
    this.transitions = new Int32Array(next.length);
    for (let entry = 0; entry < next.length; entry += 1) {
      const target = next[entry]!;
      this.transitions[entry] = target * ALPHABET | (outputs[target]!.length > 0 ? ACCEPTS : 0);
    }
    for (let state = 0; state < gotos.length; state += 1) {
      for (let upper = 65; upper <= 90; upper += 1) this.transitions[state * ALPHABET + upper] = this.transitions[state * ALPHABET + upper + 32]!;
    }
    this.outputs = new Map(outputs.flatMap((found, state) => (found.length > 0 ? [[state * ALPHABET, found] as const] : [])));
  }

  /** Calls `onHit(keywordIndex, start)` for every occurrence, in order of its end. */
  scan(text: string, onHit: (keyword: number, start: number) => void): void {
    const { transitions, outputs, keywords } = this;
    const length = text.length;
    let state = 0;
    for (let index = 0; index < length; index += 1) {
      const code = text.charCodeAt(index);
      // a character outside ASCII is in no keyword: back to the start
      state = code < ALPHABET ? transitions[(state & ROW) + code]! : 0;
      if ((state & ACCEPTS) === 0) continue;
      const found = outputs.get(state & ROW)!;
      for (let k = 0; k < found.length; k += 1) {
        const keyword = found[k]!;
        onHit(keyword, index + 1 - keywords[keyword]!.length);
      }
    }
  }
}
