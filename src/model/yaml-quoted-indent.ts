/**
 * go-yaml and libyaml (what Kubernetes, Argo CD and Flux parse with) accept a quoted scalar whose
 * continuation lines start left of the line that opened it:
 *
 *     - "exec kafka-server-start.sh \
 *   --override broker.id=1"
 *
 * The `yaml` package follows the YAML 1.2 spec, which requires them indented, and stops with
 * "Missing closing quote". Leading spaces of continuation lines are folded away, so indenting them
 * does not change the value: the text is padded where the parser stopped, parsed again, and positions
 * are mapped back to the file as written.
 */

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/;

/** Spaces inserted at `at` (an offset in the text as it was before this insertion). */
interface Insertion {
  readonly at: number;
  readonly count: number;
}

export class IndentRepair {
  private readonly insertions: Insertion[] = [];

  constructor(public text: string) {}

  get changed(): boolean {
    return this.insertions.length > 0;
  }

  /**
   * Pads the continuation lines of the quoted scalar the parser cut at `cutAt` (the end of its last
   * line, in the current text). False when there is nothing to pad: the quote is really unclosed.
   */
  padQuotedScalar(cutAt: number, quote: '"' | "'"): boolean {
    const lineStart = this.text.lastIndexOf('\n', cutAt - 1) + 1;
    const lead = /^( *)((?:- +)*)/.exec(this.text.slice(lineStart, cutAt))!;
    const target = lead[1]!.length + lead[2]!.length + 1;
    const close = closingQuote(this.text, cutAt, quote);
    if (close === -1) return false;
    const pads: Insertion[] = [];
    for (let newline = this.text.indexOf('\n', cutAt); newline !== -1 && newline < close; newline = this.text.indexOf('\n', newline + 1)) {
      const start = newline + 1;
      let indent = 0;
      while (this.text[start + indent] === ' ') indent += 1;
      // go-yaml too stops a quoted scalar at a document marker: the quote is really unclosed
      if (indent === 0 && DOCUMENT_MARKER.test(this.text.slice(start, start + 4))) return false;
      const blank = this.text[start + indent] === '\n' || this.text[start + indent] === '\r';
      if (!blank && indent < target) pads.push({ at: start, count: target - indent });
    }
    // from the end, so that each offset is still right when its turn comes
    for (const pad of pads.reverse()) this.insert(pad.at, pad.count);
    return pads.length > 0;
  }

  /** Maps an offset of the repaired text to the file as written; padding maps to where it was inserted. */
  original(offset: number): number {
    let position = offset;
    for (let index = this.insertions.length - 1; index >= 0; index -= 1) {
      const { at, count } = this.insertions[index]!;
      if (position >= at + count) position -= count;
      else if (position > at) position = at;
    }
    return position;
  }

  private insert(at: number, count: number): void {
    this.text = `${this.text.slice(0, at)}${' '.repeat(count)}${this.text.slice(at)}`;
    this.insertions.push({ at, count });
  }
}

/** The offset of the quote that closes a scalar still open at `from`, or -1. */
function closingQuote(text: string, from: number, quote: '"' | "'"): number {
  let end = text.indexOf(quote, from);
  if (quote === "'") {
    while (end !== -1 && text[end + 1] === "'") end = text.indexOf("'", end + 2);
    return end;
  }
  while (end !== -1) {
    let backslashes = 0;
    while (text[end - 1 - backslashes] === '\\') backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}
