/** A half-open range of UTF-16 offsets [start, end) into a file's text, as the YAML parser reports them. */
export interface Span {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

export interface Position {
  /** 1-based */
  readonly line: number;
  /** 1-based, in UTF-16 code units like SARIF's default column kind */
  readonly column: number;
}

/** Maps offsets to lines and back; built once per file, only when a position is needed. */
export class LineIndex {
  private readonly starts: number[];

  constructor(text: string) {
    const starts = [0];
    if (hasLoneCarriageReturn(text)) {
      // YAML (and go-yaml) also end a line with a carriage return alone
      for (const match of text.matchAll(/\r\n?|\n/g)) starts.push((match.index ?? 0) + match[0].length);
    } else {
      let index = text.indexOf('\n');
      while (index !== -1) {
        starts.push(index + 1);
        index = text.indexOf('\n', index + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] ?? 0) + 1 };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line - 1, 0), this.starts.length - 1)] ?? 0;
  }

  /** Text of a 1-based line without its line break. */
  lineText(text: string, line: number): string {
    const start = this.lineStart(line);
    const next = this.starts[line] ?? text.length;
    return text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
}

/** Whether a carriage return ends a line without a line feed after it (old Mac line ends). */
export function hasLoneCarriageReturn(text: string): boolean {
  for (let index = text.indexOf('\r'); index !== -1; index = text.indexOf('\r', index + 1)) {
    if (text.charCodeAt(index + 1) !== 0x0a) return true;
  }
  return false;
}

/** The text with each lone carriage return made a line feed: one character for one, so offsets stay. */
export function withLineFeeds(text: string): string {
  return hasLoneCarriageReturn(text) ? text.replace(/\r(?!\n)/g, '\n') : text;
}
