import type { ChangedRange } from '../scan-text.js';

/** a changed part shorter than this is searched whole: comparing its lines costs more than it saves */
const LINE_DIFF_FROM = 2048;
/** a line met at many places of the previous version: this many of them are tried as where a block comes from */
const CANDIDATES = 8;
/** how far a candidate's run of equal lines is followed when choosing among candidates */
const RUN_LOOKAHEAD = 32;

/**
 * Where a version differs from the one before it, as parts of its text: the lines the previous
 * version does not hold, and each point where two runs of lines meet that were not next to each
 * other before (a moved block, a removed line: a zero-width part there). Every other stretch of the
 * text is a run of whole lines the previous version holds, in one piece, with the same text before
 * and after it when it touches the start or the end: a match that lies inside one was found in the
 * previous version. `range` is where the two differ at all (`changedBytes`): small ones are kept
 * whole (and the previous text, which may be given as a function, is then not asked for).
 * Not a shortest diff (moved lines count as unchanged; choosing a place for a line met many times is
 * greedy): any cover of the text by runs the previous version holds is right, and this one is cheap.
 */
export function changedLines(previousText: string | (() => string), text: string, range: ChangedRange): ChangedRange[] {
  if (range.end - range.start < LINE_DIFF_FROM) return [range];
  const previous = typeof previousText === 'string' ? previousText : previousText();
  // the lines between the common prefix and suffix, each with its newline (the last may have none)
  const start = range.start <= 0 ? 0 : text.lastIndexOf('\n', range.start - 1) + 1;
  const suffix = text.length - range.end;
  const newEnd = range.end >= text.length || text.charCodeAt(range.end - 1) === NEWLINE ? range.end : lineAfter(text, range.end);
  const oldEnd = previous.length - (text.length - newEnd);
  if (oldEnd < start || suffix < 0) return [range];
  const before = linesOf(previous, start, oldEnd);
  const after = linesOf(text, start, newEnd);
  const places = new Map<string, number | number[]>();
  for (let index = 0; index < before.lines.length; index += 1) {
    const line = before.lines[index]!;
    const known = places.get(line);
    if (known === undefined) places.set(line, index);
    else if (typeof known === 'number') places.set(line, [known, index]);
    else if (known.length < CANDIDATES) known.push(index);
  }
  const parts: Array<{ start: number; end: number }> = [];
  const mark = (from: number, to: number): void => {
    const last = parts[parts.length - 1];
    if (last && from <= last.end + 1) last.end = Math.max(last.end, to);
    else parts.push({ start: from, end: to });
  };
  // the previous line's place in the previous version: -1 is the common prefix, undefined a changed line
  let place: number | undefined = -1;
  for (let index = 0; index < after.lines.length; index += 1) {
    const line = after.lines[index]!;
    const lineStart = after.starts[index]!;
    if (place !== undefined && before.lines[place + 1] === line) {
      place += 1;
      continue;
    }
    const known = places.get(line);
    if (known === undefined) {
      // a line the previous version does not hold: to its newline
      mark(lineStart, lineStart + line.length - (line.charCodeAt(line.length - 1) === NEWLINE ? 1 : 0));
      place = undefined;
      continue;
    }
    // a run that starts here, after a line of the previous version that was not before it: a new meeting of lines
    if (place !== undefined) mark(lineStart, lineStart);
    place = typeof known === 'number' ? known : longestRun(before.lines, after.lines, known, index);
  }
  // the last run meets the common suffix where it did not before (a partial last line of `before` is in no run)
  if (place !== undefined && (place !== before.lines.length - 1 || !before.whole)) mark(newEnd, newEnd);
  return parts.map((part) => ({ start: part.start, end: part.end }));
}

const NEWLINE = 0x0a;

function lineAfter(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** the lines of text[from, to), each with its newline; `whole` when the last ends with one (or there are none) */
function linesOf(text: string, from: number, to: number): { lines: string[]; starts: number[]; whole: boolean } {
  const lines: string[] = [];
  const starts: number[] = [];
  let at = from;
  while (at < to) {
    const newline = text.indexOf('\n', at);
    const end = newline === -1 || newline >= to ? to : newline + 1;
    lines.push(text.slice(at, end));
    starts.push(at);
    at = end;
  }
  return { lines, starts, whole: lines.length === 0 || text.charCodeAt(to - 1) === NEWLINE };
}

/** of the places a line has in `before`, the one whose run of lines equal to those from `index` in `after` is longest */
function longestRun(before: readonly string[], after: readonly string[], places: readonly number[], index: number): number {
  let best = places[0]!;
  let bestLength = -1;
  for (const place of places) {
    let length = 1;
    while (length < RUN_LOOKAHEAD && place + length < before.length && index + length < after.length && before[place + length] === after[index + length]) length += 1;
    if (length > bestLength) {
      best = place;
      bestLength = length;
      if (length === RUN_LOOKAHEAD) break;
    }
  }
  return best;
}
