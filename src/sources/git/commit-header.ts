/** One commit as `git log` prints it with `COMMIT_FORMAT`. */
export interface CommitHeader {
  readonly sha: string;
  readonly author: string;
  readonly date: string;
}

/** Separators of the `--format` that `historyRawArguments` asks git for. */
export const RECORD = '\x1e';
export const FIELD = '\x1f';
export const COMMIT_FORMAT = `--format=${'%x1e'}%H${'%x1f'}%an <%ae>${'%x1f'}%aI`;

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
