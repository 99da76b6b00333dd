import { LineIndex, type Position, type Span } from './span.js';

/** A text file of the scanned tree, addressed by its POSIX path relative to the scan root. */
export class SourceFile {
  private index: LineIndex | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  get lines(): LineIndex {
    this.index ??= new LineIndex(this.text);
    return this.index;
  }

  position(offset: number): Position {
    return this.lines.position(offset);
  }

  lineText(line: number): string {
    return this.lines.lineText(this.text, line);
  }

  span(start: number, end: number): Span {
    return { path: this.path, start, end };
  }

  get baseName(): string {
    const slash = this.path.lastIndexOf('/');
    return slash === -1 ? this.path : this.path.slice(slash + 1);
  }

  get directory(): string {
    const slash = this.path.lastIndexOf('/');
    return slash === -1 ? '' : this.path.slice(0, slash);
  }
}
