/** One Dockerfile instruction as the builder reads it. */
export interface DockerInstruction {
  /** upper case; after `ONBUILD`, the instruction it wraps is in `args` */
  readonly keyword: string;
  /** the arguments, continuation lines joined with a space; heredoc bodies are not part of them */
  readonly args: string;
  /** the file offset of the character of `args` at `index` (undefined past its end) */
  offsetOf(index: number): number | undefined;
  /** file offsets of the whole instruction: its first line to its last, heredoc bodies and terminators included */
  readonly start: number;
  readonly end: number;
}

/** instructions whose arguments may open heredocs (BuildKit, dockerfile syntax 1.4+) */
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD', 'ONBUILD']);
/** `<<EOF`, `<<-EOF`, `<<"EOF"` at the start of a word (after an optional fd: `3<<EOF`), as BuildKit reads them; `<<<` is a here-string */
const HEREDOC = /(?:^|\s)\d*<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

interface Line {
  readonly text: string;
  readonly start: number;
}

/**
 * Splits a Dockerfile into instructions: comment and blank lines skipped (also inside a
 * continuation, where the builder drops them), `\` continuations joined, and heredocs
 * (`RUN <<EOF … EOF`, `<<-EOF` with tab-indented terminator, several per instruction) taken whole,
 * so that no line of a heredoc body is read as an instruction.
 */
export function dockerInstructions(text: string): DockerInstruction[] {
  const lines: Line[] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    lines.push({ text: raw.replace(/\r$/, ''), start: offset });
    offset += raw.length + 1;
  }
  const skippable = (line: Line): boolean => /^\s*(#|$)/.test(line.text);
  const result: DockerInstruction[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const first = lines[index]!;
    const keyword = /^\s*([A-Za-z]+)(\s+|$)/.exec(first.text);
    if (skippable(first) || !keyword?.[1]) continue;
    const pieces: string[] = [];
    const segments = new ArgumentSegments();
    let body = first.text.slice(keyword[0].length);
    let bodyStart = first.start + keyword[0].length;
    let last = index;
    for (;;) {
      const continues = /\\\s*$/.test(body);
      const content = continues ? body.replace(/\\\s*$/, '') : body;
      pieces.push(content);
      segments.add(content.length, bodyStart);
      if (!continues) break;
      let next = last + 1;
      while (next < lines.length && skippable(lines[next]!)) next += 1;
      if (next >= lines.length) break;
      pieces.push(' ');
      segments.add(1, bodyStart + content.length);
      last = next;
      body = lines[next]!.text;
      bodyStart = lines[next]!.start;
    }
    const args = pieces.join('');
    const name = keyword[1].toUpperCase();
    if (HEREDOC_INSTRUCTIONS.has(name)) {
      for (const marker of args.matchAll(HEREDOC)) {
        const stripTabs = marker[1] === '-';
        const delimiter = marker[3]!;
        let line = last + 1;
        while (line < lines.length && (stripTabs ? lines[line]!.text.replace(/^\t+/, '') : lines[line]!.text) !== delimiter) line += 1;
        last = Math.min(line, lines.length - 1);
      }
    }
    const end = lines[last]!.start + lines[last]!.text.length;
    result.push({ keyword: name, args, offsetOf: (at) => segments.offsetOf(at), start: first.start, end });
    index = last;
  }
  return result;
}

/**
 * Where the characters of an instruction's arguments are in the file: one entry per line joined
 * (a run of characters with its file offset), not one per character, which for an 8 MB line was an
 * 8-million-entry array beside 8 million one-character string joins (650 MB for an 8 MB file).
 */
class ArgumentSegments {
  /** index in `args` where each segment starts, ascending */
  private readonly starts: number[] = [];
  private readonly fileStarts: number[] = [];
  private length = 0;

  add(length: number, fileStart: number): void {
    if (length === 0) return;
    this.starts.push(this.length);
    this.fileStarts.push(fileStart);
    this.length += length;
  }

  offsetOf(index: number): number | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return this.fileStarts[low]! + (index - this.starts[low]!);
  }
}
