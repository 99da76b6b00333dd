import { renderedName } from './file-kinds.js';
import { LineIndex, type Position, type Span } from './span.js';

/** A text file of the scanned tree, addressed by its POSIX path relative to the scan root. */
export class SourceFile {
  private index: LineIndex | undefined;
  private mentioned: Map<string | RegExp, boolean> | undefined;

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

  /**
   * Whether the text holds `word` (or matches a pattern without the g flag), remembered per word: rules ask it once per document of the file,
   * and a search of the whole text each time made a file of n documents cost n times its size
   * (16,000 ConfigMaps in one 1.2 MB file: 38 s).
   */
  mentions(word: string | RegExp): boolean {
    this.mentioned ??= new Map();
    let found = this.mentioned.get(word);
    if (found === undefined) {
      found = typeof word === 'string' ? this.text.includes(word) : word.test(this.text);
      this.mentioned.set(word, found);
    }
    return found;
  }

  // rules ask these once per document or object: a new string each time showed in a tree scan's profile
  private base: string | undefined;
  private parent: string | undefined;

  /** The file's name, as rendered for a YAML template (`kustomization.yaml.j2` is read as `kustomization.yaml`). */
  get baseName(): string {
    this.base ??= renderedName(this.path.slice(this.path.lastIndexOf('/') + 1));
    return this.base;
  }

  get directory(): string {
    if (this.parent === undefined) {
      const slash = this.path.lastIndexOf('/');
      this.parent = slash === -1 ? '' : this.path.slice(0, slash);
    }
    return this.parent;
  }
}
