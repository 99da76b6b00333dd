import type { ChangedRange } from '../scan-text.js';

/** a changed part shorter than this is searched whole: comparing its lines costs more than it saves */
const LINE_DIFF_FROM = 2048;
/** a line met at many places of the previous version: this many of them are tried as where a block comes from */
const CANDIDATES = 8;
/** how far a candidate's run of equal lines is followed when choosing among candidates */
const RUN_LOOKAHEAD = 32;
const NEWLINE = 0x0a;

/** The lines of one stretch of a version: where each starts and ends (past its newline, if it has one), and a key equal lines share. */
interface Lines {
  readonly starts: number[];
  readonly ends: number[];
  /** the line itself, or a hash of its bytes (equal keys then say nothing until the bytes are compared) */
  readonly keys: Array<string | number>;
  /** whether the last line ends with a newline (or there are none) */
  readonly whole: boolean;
}

/** How to read two versions: as texts, or as the bytes of ASCII texts (offsets are the same). */
interface Versions {
  readonly previousLength: number;
  readonly length: number;
  /** offset of the newline at or after `offset` of the new version, or -1 */
  newlineAfter(offset: number): number;
  /** offset of the newline before `offset` of the new version, or -1 */
  newlineBefore(offset: number): number;
  lines(ofPrevious: boolean, from: number, to: number): Lines;
  /** whether line `a` of the previous stretch equals line `b` of the new one (keys already equal) */
  same(before: Lines, a: number, after: Lines, b: number): boolean;
}

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
  return lineParts(textVersions(typeof previousText === 'string' ? previousText : previousText(), text), range);
}

/** `changedLines` of two ASCII texts given as their bytes (lines hashed and compared as bytes: no text is made). */
export function changedAsciiLines(previous: Buffer, body: Buffer, range: ChangedRange): ChangedRange[] {
  if (range.end - range.start < LINE_DIFF_FROM) return [range];
  return lineParts(byteVersions(previous, body), range);
}

function lineParts(versions: Versions, range: ChangedRange): ChangedRange[] {
  // the lines between the common prefix and suffix, each with its newline (the last may have none)
  const start = range.start <= 0 ? 0 : versions.newlineBefore(range.start) + 1;
  const newEnd = range.end >= versions.length || versions.newlineBefore(range.end) === range.end - 1 ? range.end : lineAfter(versions, range.end);
  const oldEnd = versions.previousLength - (versions.length - newEnd);
  if (oldEnd < start) return [range];
  const before = versions.lines(true, start, oldEnd);
  const after = versions.lines(false, start, newEnd);
  const places = new Map<string | number, number | number[]>();
  for (let index = 0; index < before.keys.length; index += 1) {
    const key = before.keys[index]!;
    const known = places.get(key);
    if (known === undefined) places.set(key, index);
    else if (typeof known === 'number') places.set(key, [known, index]);
    else if (known.length < CANDIDATES) known.push(index);
  }
  const parts: Array<{ start: number; end: number }> = [];
  const mark = (from: number, to: number): void => {
    const last = parts[parts.length - 1];
    if (last && from <= last.end + 1) last.end = Math.max(last.end, to);
    else parts.push({ start: from, end: to });
  };
  const same = (a: number, b: number): boolean => a >= 0 && a < before.keys.length && before.keys[a] === after.keys[b] && versions.same(before, a, after, b);
  // the previous line's place in the previous version: -1 is the common prefix, undefined a changed line
  let place: number | undefined = -1;
  for (let index = 0; index < after.keys.length; index += 1) {
    const lineStart = after.starts[index]!;
    if (place !== undefined && same(place + 1, index)) {
      place += 1;
      continue;
    }
    const known = places.get(after.keys[index]!);
    const found = known === undefined ? undefined : longestRun(known, index, same);
    if (found === undefined) {
      // a line the previous version does not hold: to its newline
      const lineEnd = after.ends[index]!;
      mark(lineStart, lineEnd - (versions.newlineBefore(lineEnd) === lineEnd - 1 ? 1 : 0));
      place = undefined;
      continue;
    }
    // a run that starts here, after a line of the previous version that was not before it: a new meeting of lines
    if (place !== undefined) mark(lineStart, lineStart);
    place = found;
  }
  // the last run meets the common suffix where it did not before (a partial last line of `before` is in no run)
  if (place !== undefined && (place !== before.keys.length - 1 || !before.whole)) mark(newEnd, newEnd);
  return parts;
}

function lineAfter(versions: Versions, offset: number): number {
  const newline = versions.newlineAfter(offset);
  return newline === -1 ? versions.length : newline + 1;
}

/** of a line's places in the previous version (equal keys), the one equal to it whose run of equal lines is longest; undefined when none is equal */
function longestRun(places: number | readonly number[], index: number, same: (a: number, b: number) => boolean): number | undefined {
  let best: number | undefined;
  let bestLength = 0;
  for (const place of typeof places === 'number' ? [places] : places) {
    if (!same(place, index)) continue;
    let length = 1;
    while (length < RUN_LOOKAHEAD && same(place + length, index + length)) length += 1;
    if (length > bestLength) {
      best = place;
      bestLength = length;
      if (length === RUN_LOOKAHEAD) break;
    }
  }
  return best;
}

function textVersions(previous: string, text: string): Versions {
  const lines = (of: string, from: number, to: number): Lines => {
    const starts: number[] = [];
    const ends: number[] = [];
    const keys: string[] = [];
    for (let at = from; at < to;) {
      const newline = of.indexOf('\n', at);
      const end = newline === -1 || newline >= to ? to : newline + 1;
      starts.push(at);
      ends.push(end);
      keys.push(of.slice(at, end));
      at = end;
    }
    return { starts, ends, keys, whole: keys.length === 0 || of.charCodeAt(to - 1) === NEWLINE };
  };
  return {
    previousLength: previous.length,
    length: text.length,
    newlineAfter: (offset) => text.indexOf('\n', offset),
    newlineBefore: (offset) => (offset <= 0 ? -1 : text.lastIndexOf('\n', offset - 1)),
    lines: (ofPrevious, from, to) => lines(ofPrevious ? previous : text, from, to),
    // the keys are the lines themselves
    same: () => true,
  };
}

function byteVersions(previous: Buffer, body: Buffer): Versions {
  const lines = (of: Buffer, from: number, to: number): Lines => {
    const starts: number[] = [];
    const ends: number[] = [];
    const keys: number[] = [];
    let at = from;
    while (at < to) {
      // FNV-1a over the line's bytes, its newline included
      let hash = 0x811c9dc5;
      let end = at;
      while (end < to) {
        const byte = of[end]!;
        hash = Math.imul(hash ^ byte, 0x01000193);
        end += 1;
        if (byte === NEWLINE) break;
      }
      starts.push(at);
      ends.push(end);
      keys.push(hash);
      at = end;
    }
    return { starts, ends, keys, whole: keys.length === 0 || of[to - 1] === NEWLINE };
  };
  return {
    previousLength: previous.length,
    length: body.length,
    newlineAfter: (offset) => body.indexOf(NEWLINE, offset),
    newlineBefore: (offset) => (offset <= 0 ? -1 : body.lastIndexOf(NEWLINE, offset - 1)),
    lines: (ofPrevious, from, to) => lines(ofPrevious ? previous : body, from, to),
    same: (before, a, after, b) => {
      const aStart = before.starts[a]!;
      const aEnd = before.ends[a]!;
      const bStart = after.starts[b]!;
      const bEnd = after.ends[b]!;
      return aEnd - aStart === bEnd - bStart && body.compare(previous, aStart, aEnd, bStart, bEnd) === 0;
    },
  };
}
