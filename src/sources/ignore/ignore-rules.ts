import { Glob } from './glob.js';

/**
 * The patterns of one `.gitignore` (or the config's `ignore` list), matched as git matches them
 * and in time linear in the path whatever the patterns. With many patterns, literal ones (most of
 * a long generated `.gitignore`) are looked up in a map rather than tried one by one.
 */
export type IgnoreVerdict = 'ignored' | 'unignored' | undefined;

interface Pattern {
  readonly order: number;
  readonly negated: boolean;
  readonly directoryOnly: boolean;
  /** with a `/` before its end: matched against the whole path from the file's directory, else the last name */
  readonly anchored: boolean;
  readonly glob?: Glob;
}

const WILDCARD = /[*?[\\]/;

export class IgnoreRules {
  private order = 0;
  /** literal patterns by the text they must equal (a name, or a whole path when anchored) */
  private readonly literalNames = new Map<string, Pattern[]>();
  private readonly literalPaths = new Map<string, Pattern[]>();
  /** `*literal` patterns matched against the last name (`*.log`), by that literal */
  private readonly nameSuffixes = new Map<string, Pattern[]>();
  private longestSuffix = 0;
  /** anchored globs with a literal segment (`**\/keep/**`), by that segment: only tried on paths that have it */
  private readonly globsBySegment = new Map<string, Pattern[]>();
  private readonly globs: Pattern[] = [];

  add(source: string | readonly string[]): this {
    const lines = typeof source === 'string' ? source.split(/\r?\n/) : source;
    for (const line of lines) this.addLine(line);
    return this;
  }

  get size(): number {
    return this.order;
  }

  /** The verdict of the last pattern that matches `path` (relative, `/`-separated, no trailing `/`). */
  test(path: string, isDirectory: boolean): IgnoreVerdict {
    const slash = path.lastIndexOf('/');
    const name = slash === -1 ? path : path.slice(slash + 1);
    let best: Pattern | undefined;
    const consider = (candidates: readonly Pattern[] | undefined): void => {
      if (!candidates) return;
      for (let index = candidates.length - 1; index >= 0; index -= 1) {
        const pattern = candidates[index]!;
        if (best && pattern.order < best.order) return;
        if (!pattern.directoryOnly || isDirectory) {
          best = pattern;
          return;
        }
      }
    };
    consider(this.literalNames.get(name));
    consider(this.literalPaths.get(path));
    for (let start = Math.max(0, name.length - this.longestSuffix); start <= name.length; start += 1) {
      consider(this.nameSuffixes.get(name.slice(start)));
    }
    const lists = [this.globs];
    if (this.globsBySegment.size > 0) {
      for (const segment of new Set(path.split('/'))) {
        const list = this.globsBySegment.get(segment);
        if (list) lists.push(list);
      }
    }
    const match = lastMatchingGlob(lists, best?.order ?? -1, (pattern) => (!pattern.directoryOnly || isDirectory) && pattern.glob!.matches(pattern.anchored ? path : name));
    best = match ?? best;
    return best ? (best.negated ? 'unignored' : 'ignored') : undefined;
  }

  /** Whether `path` or a directory holding it is ignored: what the config's `ignore` list means. */
  ignores(path: string, isDirectory = false): boolean {
    let from = path.indexOf('/');
    while (from !== -1) {
      if (this.test(path.slice(0, from), true) === 'ignored') return true;
      from = path.indexOf('/', from + 1);
    }
    return this.test(path, isDirectory) === 'ignored';
  }

  private addLine(raw: string): void {
    let line = trimTrailingSpaces(raw);
    if (line === '' || line.startsWith('#')) return;
    const negated = line.startsWith('!');
    if (negated) line = line.slice(1);
    else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    const directoryOnly = line.endsWith('/') && !line.endsWith('\\/');
    if (directoryOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (line === '') return;
    const order = this.order;
    this.order += 1;
    if (!WILDCARD.test(line)) {
      addTo(anchored ? this.literalPaths : this.literalNames, line, { order, negated, directoryOnly, anchored });
      return;
    }
    const glob = new Glob(line);
    if (glob.starThenLiteral && !anchored) {
      addTo(this.nameSuffixes, glob.suffix, { order, negated, directoryOnly, anchored });
      this.longestSuffix = Math.max(this.longestSuffix, glob.suffix.length);
      return;
    }
    const pattern = { order, negated, directoryOnly, anchored, glob };
    const segment = anchored ? this.rarestLiteralSegment(line) : undefined;
    if (segment === undefined) this.globs.push(pattern);
    else addTo(this.globsBySegment, segment, pattern);
  }

  /**
   * A segment without wildcards must equal a whole segment of any path the glob matches (`*`, `?`
   * and `[…]` never match `/`, `**` only spans whole segments); of several, the one indexing the
   * fewest patterns so far, so `src/a1/**`, `src/a2/**`… spread over `a1`, `a2`…
   */
  private rarestLiteralSegment(line: string): string | undefined {
    let chosen: string | undefined;
    let chosenCount = Infinity;
    for (const segment of line.split('/')) {
      if (segment === '' || WILDCARD.test(segment)) continue;
      const count = this.globsBySegment.get(segment)?.length ?? 0;
      if (count < chosenCount || (count === chosenCount && segment.length > chosen!.length)) {
        chosen = segment;
        chosenCount = count;
      }
    }
    return chosen;
  }
}

/**
 * The pattern of highest order above `above` that `matches`, walking the lists (each in ascending
 * order) from their ends together, so the first match found is the last one written.
 */
function lastMatchingGlob(lists: ReadonlyArray<readonly Pattern[]>, above: number, matches: (pattern: Pattern) => boolean): Pattern | undefined {
  const ends = lists.map((list) => list.length - 1);
  for (;;) {
    let pick = -1;
    let pickOrder = above;
    for (let index = 0; index < lists.length; index += 1) {
      const end = ends[index]!;
      if (end >= 0 && lists[index]![end]!.order > pickOrder) {
        pick = index;
        pickOrder = lists[index]![end]!.order;
      }
    }
    if (pick === -1) return undefined;
    const pattern = lists[pick]![ends[pick]!]!;
    ends[pick] = ends[pick]! - 1;
    if (matches(pattern)) return pattern;
  }
}

function addTo(map: Map<string, Pattern[]>, key: string, pattern: Pattern): void {
  const list = map.get(key);
  if (list) list.push(pattern);
  else map.set(key, [pattern]);
}

/** git drops trailing spaces unless the last one is escaped with a backslash. */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ') end -= 1;
  if (end < line.length && end > 0 && line[end - 1] === '\\') return `${line.slice(0, end - 1)} `;
  return line.slice(0, end);
}
