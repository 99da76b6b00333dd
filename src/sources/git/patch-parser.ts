import { StringDecoder } from 'node:string_decoder';

export interface CommitHeader {
  readonly sha: string;
  readonly author: string;
  readonly date: string;
}

export interface PatchHandlers {
  commit(header: CommitHeader): void;
  /** added lines of one hunk, joined by `\n`; `firstLine` is their 1-based line in the new file */
  hunk(path: string, firstLine: number, text: string): void;
  binary(path: string): void;
  oversize(path: string): void;
}

/** Separators of the `--format` that `historyRawArguments` asks git for. */
export const RECORD = '\x1e';
export const FIELD = '\x1f';
export const COMMIT_FORMAT = `--format=${'%x1e'}%H${'%x1f'}%an <%ae>${'%x1f'}%aI`;

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Reads `git log -p -U0` (or `git diff -U0`) output as it streams and hands over only what was
 * added: one call per hunk with its added lines. Binary files and files whose added text exceeds
 * the size limit are reported, not scanned.
 */
export class PatchParser {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private path: string | undefined;
  private inHunk = false;
  private oldLeft = 0;
  private newLeft = 0;
  private hunkStart = 0;
  private added: string[] = [];
  private fileBytes = 0;
  private fileSkipped = false;

  constructor(private readonly handlers: PatchHandlers, private readonly maxFileSize: number) {}

  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      // hot path: added and removed lines inside a hunk are looked at, not sliced into lines
      if (this.inHunk) this.hunkLine(text, start, newline);
      else this.header(text.slice(start, newline));
      start = newline + 1;
    }
    this.rest = text.slice(start);
  }

  end(): void {
    const tail = this.rest + this.decoder.end();
    this.rest = '';
    if (tail !== '') {
      if (this.inHunk) this.hunkLine(tail, 0, tail.length);
      else this.header(tail);
    }
    this.flush();
  }

  private hunkLine(text: string, start: number, end: number): void {
    const first = text.charCodeAt(start);
    if (first === 43 /* + */ && this.newLeft > 0) {
      this.newLeft -= 1;
      this.added.push(text.slice(start + 1, end));
    } else if (first === 45 /* - */ && this.oldLeft > 0) {
      this.oldLeft -= 1;
    } else if (first !== 92 /* \ No newline at end of file */) {
      this.flush();
      this.header(text.slice(start, end));
      return;
    }
    if (this.newLeft === 0 && this.oldLeft === 0) this.flush();
  }

  private header(line: string): void {
    if (line.startsWith(RECORD)) {
      const [sha = '', author = '', date = ''] = line.slice(1).split(FIELD);
      this.path = undefined;
      this.handlers.commit({ sha, author, date });
    } else if (line.startsWith('diff --git ') || line.startsWith('diff --cc ')) {
      this.path = undefined;
      this.fileBytes = 0;
      this.fileSkipped = false;
    } else if (line.startsWith('+++ ')) {
      const target = unquote(line.slice(4));
      this.path = target === '/dev/null' ? undefined : target.replace(/^b\//, '');
    } else if (line.startsWith('Binary files ')) {
      const target = /and (.+) differ$/.exec(line)?.[1];
      if (target && target !== '/dev/null') this.handlers.binary(unquote(target).replace(/^b\//, ''));
    } else if (line.startsWith('@@ ')) {
      const match = HUNK.exec(line);
      if (!match) return;
      this.oldLeft = match[1] === undefined ? 1 : Number(match[1]);
      this.newLeft = match[3] === undefined ? 1 : Number(match[3]);
      this.hunkStart = Number(match[2]);
      this.inHunk = this.oldLeft + this.newLeft > 0;
      this.added = [];
    }
  }

  private flush(): void {
    if (!this.inHunk) return;
    this.inHunk = false;
    const path = this.path;
    const text = this.added.join('\n');
    this.added = [];
    if (path === undefined || text === '' || this.fileSkipped) return;
    this.fileBytes += text.length;
    if (this.fileBytes > this.maxFileSize) {
      this.fileSkipped = true;
      this.handlers.oversize(path);
      return;
    }
    this.handlers.hunk(path, this.hunkStart, text);
  }
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };

/** git quotes paths with unusual characters C-style, with octal escapes for UTF-8 bytes. */
export function unquote(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[index + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(index + 1, index + 4), 8));
      index += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      index += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
