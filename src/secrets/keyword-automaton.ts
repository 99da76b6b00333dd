const ALPHABET = 128;

/**
 * Aho–Corasick automaton over ASCII, case-insensitive: one pass over the text finds every
 * occurrence of every keyword. Transitions are precomputed (a DFA), so the scan is one table
 * lookup per character whatever the number of keywords.
 */
export class KeywordAutomaton {
  private readonly transitions: Int32Array;
  /** keyword indexes ending at each state, suffix matches included */
  private readonly outputs: Array<readonly number[]>;
  /** 1 where `outputs` is not empty: the scan loop reads one byte instead of an array */
  private readonly accepting: Uint8Array;

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
    const transitions = new Int32Array(gotos.length * ALPHABET);
    const queue: number[] = [];
    for (let code = 0; code < ALPHABET; code += 1) {
      const next = gotos[0]![code]!;
      transitions[code] = next === -1 ? 0 : next;
      if (next !== -1) queue.push(next);
    }
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head]!;
      outputs[state]!.push(...outputs[fail[state]!]!);
      for (let code = 0; code < ALPHABET; code += 1) {
        const next = gotos[state]![code]!;
        const fallback = transitions[fail[state]! * ALPHABET + code]!;
        if (next === -1) {
          transitions[state * ALPHABET + code] = fallback;
        } else {
          fail[next] = fallback;
          transitions[state * ALPHABET + code] = next;
          queue.push(next);
        }
      }
    }
    this.transitions = transitions;
    this.outputs = outputs;
    this.accepting = Uint8Array.from(outputs, (found) => (found.length > 0 ? 1 : 0));
  }

  /** Calls `onHit(keywordIndex, start)` for every occurrence, in order of its end. */
  scan(text: string, onHit: (keyword: number, start: number) => void): void {
    const { transitions, outputs, keywords, accepting } = this;
    let state = 0;
    for (let index = 0; index < text.length; index += 1) {
      let code = text.charCodeAt(index);
      if (code >= 65 && code <= 90) code += 32;
      state = code < ALPHABET ? transitions[state * ALPHABET + code]! : 0;
      if (accepting[state] === 0) continue;
      const found = outputs[state]!;
      for (let k = 0; k < found.length; k += 1) {
        const keyword = found[k]!;
        onHit(keyword, index + 1 - keywords[keyword]!.length);
      }
    }
  }
}
