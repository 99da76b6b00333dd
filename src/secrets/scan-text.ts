import { DETECTORS } from './catalogue.js';
import { escapeRegex, PRIORITY, type Detector } from './detector.js';
import { LineIndex } from '../model/span.js';
import { KeywordAutomaton } from './keyword-automaton.js';
import { resolveOverlaps } from './overlaps.js';
import { isBundledLanguage, isMinifiedLine, isVendoredPath } from './vendored.js';

/** A credential found in a text: offsets of the secret itself (not of its key or prefix). */
export interface SecretMatch {
  readonly detector: Detector;
  readonly start: number;
  readonly end: number;
  readonly secret: string;
}

/** Every one made by `keywordsOf` with the same properties in the same order: one shape for the optimising compiler. */
interface Keywords {
  readonly automaton: KeywordAutomaton;
  /** keyword index → detectors that listen to it */
  readonly owners: ReadonlyArray<readonly number[]>;
  /** how far from a keyword's start its detectors' windows reach: back, and forward */
  readonly reach: { readonly before: number; readonly after: number };
  /** for a few keywords: whether a text holds any (a regex finds none faster than the automaton does) */
  readonly anyIn: RegExp | undefined;
}

interface Prepared {
  /** every detector's keywords, with the reach of most (those of `wide` and `far` reach further) */
  readonly all: Keywords;
  readonly detectors: readonly Detector[];
  /** each detector's pattern, global, and the same with indices (`d`, slower: only run again where a candidate was accepted) */
  readonly patterns: DetectorPatterns;
  /** the detectors whose windows reach further than most (URLs with a password, a few providers): looked for further from a change */
  readonly wide: Keywords;
  /** the few detectors whose windows span many lines (private key blocks): looked for further still */
  readonly far: Keywords;
}

const prepared = new WeakMap<readonly Detector[], Prepared>();
/** a window longer than this (a key block) is looked for apart, so that the others need not reach as far */
const FAR_WINDOW = 1_000;
/**
 * Most detectors' windows reach at most this far from their keyword: around a change, the text
 * further away is searched only for the keywords of the few that reach further (one automaton
 * step per character either way, but far fewer keywords found there for nothing).
 */
const NEAR_WINDOW = 160;
const FEW_KEYWORDS = 8;

function keywordsOf(detectors: readonly Detector[], wanted: (detector: Detector) => boolean): Keywords {
  const keywords: string[] = [];
  const positions = new Map<string, number>();
  const owners: number[][] = [];
  let before = 0;
  let after = 0;
  detectors.forEach((detector, index) => {
    if (!wanted(detector)) return;
    before = Math.max(before, detector.window.before);
    after = Math.max(after, detector.window.after);
    for (const keyword of detector.keywords) {
      const lower = keyword.toLowerCase();
      let position = positions.get(lower);
      if (position === undefined) {
        position = keywords.push(lower) - 1;
        positions.set(lower, position);
        owners.push([]);
      }
      owners[position]!.push(index);
    }
  });
  const longest = Math.max(0, ...keywords.map((keyword) => keyword.length));
  const anyIn = keywords.length > 0 && keywords.length <= FEW_KEYWORDS ? new RegExp(keywords.map(escapeRegex).join('|'), 'i') : undefined;
  return { automaton: new KeywordAutomaton(keywords), owners, reach: { before: before + longest, after: after + longest }, anyIn };
}

/** How far from a keyword's start the windows of the detectors `wanted` reach (as `keywordsOf`, without building their automaton). */
function reachOf(detectors: readonly Detector[], wanted: (detector: Detector) => boolean): Keywords['reach'] {
  const chosen = detectors.filter(wanted);
  const longest = Math.max(0, ...chosen.flatMap((detector) => detector.keywords.map((keyword) => keyword.length)));
  const widest = (side: 'before' | 'after'): number => Math.max(0, ...chosen.map((detector) => detector.window[side]));
  return { before: widest('before') + longest, after: widest('after') + longest };
}

function prepare(detectors: readonly Detector[]): Prepared {
  const cached = prepared.get(detectors);
  if (cached) return cached;
  const widest = (detector: Detector): number => Math.max(detector.window.before, detector.window.after);
  const farOnly = (detector: Detector): boolean => widest(detector) > FAR_WINDOW;
  const wideOnly = (detector: Detector): boolean => widest(detector) > NEAR_WINDOW && !farOnly(detector);
  const all = keywordsOf(detectors, () => true);
  const result: Prepared = {
    all: { ...all, reach: reachOf(detectors, (detector) => widest(detector) <= NEAR_WINDOW) }, detectors, patterns: new DetectorPatterns(detectors),
    wide: keywordsOf(detectors, wideOnly), far: keywordsOf(detectors, farOnly),
  };
  prepared.set(detectors, result);
  return result;
}

/**
 * The detectors' patterns with the flags the scan needs, each compiled when its detector's keyword is
 * first found: most detectors find no keyword in a given tree, and compiling hundreds of patterns
 * up front would be start-up paid by every scan.
 */
class DetectorPatterns {
  private readonly compiled: Array<CompiledPattern | undefined>;

  constructor(private readonly detectors: readonly Detector[]) {
    this.compiled = new Array(detectors.length);
  }

  of(index: number): CompiledPattern {
    let entry = this.compiled[index];
    if (!entry) {
      const { pattern, starts } = this.detectors[index]!;
      const compile = (extra: readonly string[]): RegExp => new RegExp(pattern.source, [...new Set([...pattern.flags.replace('d', ''), ...extra])].join(''));
      entry = { pattern: compile(['g']), located: compile(['y', 'd']), ...(starts ? { sticky: compile(['y']) } : {}) };
      this.compiled[index] = entry;
    }
    return entry;
  }
}

interface CompiledPattern {
  /** global */
  readonly pattern: RegExp;
  /** sticky, with indices */
  readonly located: RegExp;
  /** sticky: for a detector that names where its matches can start */
  readonly sticky?: RegExp;
}

/**
 * Whether an offset sits on a minified line. One line index per file, because asking lastIndexOf per match
 * is quadratic on one long line of many matches (a 5 MB one-line file took 97 s).
 */
function minifiedLineTest(text: string, path: string): (offset: number) => boolean {
  if (!isBundledLanguage(path)) return () => false;
  let lines: LineIndex | undefined;
  return (offset) => {
    lines ??= new LineIndex(text);
    const { line } = lines.position(offset);
    const end = line < lines.lineCount ? lines.lineStart(line + 1) - 1 : text.length;
    return isMinifiedLine(path, lines.lineStart(line), end);
  };
}

function lineStartBefore(text: string, offset: number): number {
  return offset <= 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndAfter(text: string, offset: number): number {
  if (offset >= text.length) return text.length;
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end;
}

/**
 * False when UTF-8 `bytes` (one buffer, or parts one after the other) hold none of the detectors'
 * keywords, so `findSecrets` over their text would find nothing: a file can be passed over without decoding it.
 */
export function mayHoldSecrets(bytes: Uint8Array | readonly Uint8Array[], detectors: readonly Detector[] = DETECTORS): boolean {
  return prepare(detectors).all.automaton.occursIn(bytes);
}

/** Offsets of a text that changed since its previous version: [start, end) of the new text. */
export interface ChangedRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Finds credentials in a text: one keyword pass over it, then each detector's regex only over the
 * whole lines around its keywords. Candidates that fail validation are dropped; where matches
 * overlap, the more specific detector wins. With `changed` (one part, or several in text order),
 * only keywords near enough to a changed part to find a secret in it are looked for (regexes and
 * validation still see the whole text): a new version of a file is searched where it changed, as
 * `git log -p` shows it.
 */
export function findSecrets(text: string, path: string, detectors: readonly Detector[] = DETECTORS, changedPart?: ChangedRange | readonly ChangedRange[]): SecretMatch[] {
  const prepared = prepare(detectors);
  // whole lines: the regexes run over whole lines around each keyword
  let changed = changedPart === undefined ? undefined : wholeLines(text, 'start' in changedPart ? [changedPart] : changedPart);
  let candidates = candidatesAround(prepared, text, path, changed);
  // Around a change, a candidate may overlap a more specific detector's match whose keyword lies
  // further off, which would win over it in the whole text: the candidates' lines are searched too,
  // until they bring no more, so that what is kept is what the whole text keeps there.
  while (changed && candidates.length > 0) {
    const widened = wholeLines(text, [...changed, ...candidates].sort((a, b) => a.start - b.start));
    if (sameParts(widened, changed)) break;
    changed = widened;
    candidates = candidatesAround(prepared, text, path, changed);
  }
  if (candidates.length === 0) return [];
  const onMinifiedLine = minifiedLineTest(text, path);
  const written = candidates.filter((match) => !onlyByName(match.detector) || !onMinifiedLine(match.start));
  return resolveOverlaps(written.map((match) => ({ start: match.start, end: match.end, priority: match.detector.priority, match })))
    .map(({ match }) => match);
}

/** The matches the detectors accept in the whole text, or (`changed`) in windows that reach a changed part. */
function candidatesAround(prepared: Prepared, text: string, path: string, changed: readonly ChangedRange[] | undefined): SecretMatch[] {
  const { detectors } = prepared;
  const windows = new KeywordWindows(detectors, text.length, changed);
  if (!changed) {
    scanKeywords(prepared.all, text, 0, text.length, windows);
  } else {
    const stretches = stretchesAround(prepared, changed, text.length);
    for (let index = 0; index < stretches.length; index += 1) {
      const { keywords, from, to } = stretches[index]!;
      scanKeywords(keywords, text, from, to, windows);
    }
  }
  const candidates: SecretMatch[] = [];
  if (windows.byDetector.size === 0) return candidates;
  const vendored = isVendoredPath(path);
  for (const [index, list] of windows.byDetector) {
    const detector = detectors[index]!;
    if (detector.paths && !detector.paths.test(path)) continue;
    if (vendored && onlyByName(detector)) continue;
    matchWindows(detector, prepared.patterns.of(index), text, path, list, candidates);
  }
  return candidates;
}

/** A stretch of text to read for some detectors' keywords. */
interface Stretch {
  readonly keywords: Keywords;
  readonly from: number;
  readonly to: number;
}

/**
 * Where keywords can have windows that reach into a change: every keyword near it, those of wider
 * windows further out, key blocks' further still; in text order, so that each detector's windows
 * come in order. Built by plain loops into one array: spreading arrays that are sometimes empty
 * (another elements kind) made the optimising compiler throw this function's code away again and again.
 */
function stretchesAround(prepared: Prepared, changed: readonly ChangedRange[], length: number): Stretch[] {
  const near = reachedFrom(changed, prepared.all.reach, length);
  const stretches: Stretch[] = [];
  addStretches(stretches, prepared.all, near);
  addStretches(stretches, prepared.wide, outside(reachedFrom(changed, prepared.wide.reach, length), near));
  addStretches(stretches, prepared.far, outside(reachedFrom(changed, prepared.far.reach, length), near));
  return stretches.length > 1 ? stretches.sort((a, b) => a.from - b.from) : stretches;
}

function addStretches(stretches: Stretch[], keywords: Keywords, ranges: ReadonlyArray<readonly [number, number]>): void {
  for (let index = 0; index < ranges.length; index += 1) {
    const [from, to] = ranges[index]!;
    stretches.push({ keywords, from, to });
  }
}

function sameParts(a: readonly ChangedRange[], b: readonly ChangedRange[]): boolean {
  return a.length === b.length && a.every((part, index) => part.start === b[index]!.start && part.end === b[index]!.end);
}

/**
 * The generic, prose, comment and placement rules: they know a credential only by the name it is
 * given or where it is written, which vendored code and minified bundles are full of (other
 * projects' defaults and examples). They do not look there; provider formats still do.
 */
function onlyByName(detector: Detector): boolean {
  return detector.priority < PRIORITY.structural;
}

/**
 * The windows of text around keywords found, by detector, merged where they touch. Kept small and
 * apart from the regex work (as are `scanKeywords` and `matchWindows`): the optimising compiler
 * then compiles each alone, and one that meets a new shape late is compiled again alone.
 */
class KeywordWindows {
  readonly byDetector = new Map<number, Array<[number, number]>>();

  constructor(private readonly detectors: readonly Detector[], private readonly length: number, private readonly changed: readonly ChangedRange[] | undefined) {}

  add(owners: readonly number[], start: number, keywordLength: number): void {
    for (let k = 0; k < owners.length; k += 1) {
      const index = owners[k]!;
      const { window } = this.detectors[index]!;
      const from = Math.max(0, start - window.before);
      const to = Math.min(this.length, start + keywordLength + window.after);
      // a window that touches no change finds nothing new
      if (this.changed && !touches(this.changed, from, to)) continue;
      let list = this.byDetector.get(index);
      if (!list) {
        list = [];
        this.byDetector.set(index, list);
      }
      const last = list[list.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else list.push([from, to]);
    }
  }
}

/** Whether [from, to] meets one of the changed parts (in text order, apart). */
function touches(changed: readonly ChangedRange[], from: number, to: number): boolean {
  // the first part that does not end before `from`
  let low = 0;
  let high = changed.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (changed[middle]!.end < from) low = middle + 1;
    else high = middle;
  }
  return low < changed.length && changed[low]!.start <= to;
}

/** Changed parts rounded out to whole lines, those that then meet merged. */
function wholeLines(text: string, parts: readonly ChangedRange[]): ChangedRange[] {
  const merged: Array<{ start: number; end: number }> = [];
  for (const part of parts) {
    const start = lineStartBefore(text, part.start);
    const last = merged[merged.length - 1];
    if (last && start <= last.end + 1) {
      if (part.end > last.end) last.end = lineEndAfter(text, part.end);
      continue;
    }
    merged.push({ start, end: lineEndAfter(text, part.end) });
  }
  return merged;
}

/** The stretches within `reach` of the changed parts, merged where they meet. */
function reachedFrom(changed: readonly ChangedRange[], reach: Keywords['reach'], length: number): Array<[number, number]> {
  const stretches: Array<[number, number]> = [];
  for (const part of changed) {
    const from = Math.max(0, part.start - reach.after);
    const to = Math.min(length, part.end + reach.before);
    const last = stretches[stretches.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else stretches.push([from, to]);
  }
  return stretches;
}

/** The parts of `stretches` outside `taken` (both in order, apart). */
function outside(stretches: ReadonlyArray<readonly [number, number]>, taken: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const left: Array<[number, number]> = [];
  let next = 0;
  for (const [from, to] of stretches) {
    let at = from;
    while (next < taken.length && taken[next]![1] <= at) next += 1;
    for (let index = next; index < taken.length && taken[index]![0] < to; index += 1) {
      const [takenFrom, takenTo] = taken[index]!;
      if (takenFrom > at) left.push([at, takenFrom]);
      at = Math.max(at, takenTo);
    }
    if (at < to) left.push([at, to]);
  }
  return left;
}

/**
 * The keywords that start in [start, end): the region read runs on by a keyword's length, so that
 * one that starts at its end and runs past it is found whole here (and not again next door).
 */
function scanKeywords(keywords: Keywords, text: string, start: number, end: number, windows: KeywordWindows): void {
  if (start >= end) return;
  const { owners, automaton } = keywords;
  const readTo = Math.min(text.length, end + automaton.longest - 1);
  if (keywords.anyIn && !keywords.anyIn.test(start === 0 && readTo === text.length ? text : text.slice(start, readTo))) return;
  // read in place: no slice of the text
  automaton.scan(text, (keyword, found) => {
    if (found < end) windows.add(owners[keyword]!, found, automaton.keywords[keyword]!.length);
  }, start, readTo);
}

/** One detector's regex over the whole lines of its windows: the candidates it validates. */
function matchWindows(detector: Detector, patterns: CompiledPattern, text: string, path: string, windows: ReadonlyArray<readonly [number, number]>, candidates: SecretMatch[]): void {
  for (const [from, to] of mergeLines(text, windows)) {
    const slice = text.slice(from, to);
    if (detector.requires !== undefined && !holdsAny(slice, detector.requires)) continue;
    const find = patterns.sticky && detector.starts ? atStarts(patterns.sticky, slice, detector.starts(slice)) : anywhere(patterns.pattern, slice);
    for (let match = find(0); match; ) {
      const secret = match.groups?.['secret'] ?? match[0];
      const accepted = secret !== '' && (detector.validate?.(secret, { path, groups: match.groups ?? {}, text, index: from + match.index, match: match[0] }) ?? true);
      const span = accepted ? locate(patterns.located, slice, match.index) : undefined;
      if (span) candidates.push({ detector, start: from + span[0], end: from + span[1], secret });
      // past an accepted match, or one offset on from a rejected one (as a global regex goes on)
      const next = (span ? match.index + match[0].length : match.index + 1) + (match[0] === '' ? 1 : 0);
      match = find(next);
    }
  }
}

/** The first match at or after an offset: from a global pattern. */
function anywhere(pattern: RegExp, slice: string): (from: number) => RegExpExecArray | null {
  return (from) => {
    pattern.lastIndex = from;
    return pattern.exec(slice);
  };
}

/** The first match at or after an offset: tried, sticky, at the starts the detector names (ascending) alone. */
function atStarts(sticky: RegExp, slice: string, starts: readonly number[]): (from: number) => RegExpExecArray | null {
  let next = 0;
  return (from) => {
    while (next < starts.length && starts[next]! < from) next += 1;
    while (next < starts.length) {
      sticky.lastIndex = starts[next]!;
      next += 1;
      const match = sticky.exec(slice);
      if (match) return match;
    }
    return null;
  };
}

function holdsAny(text: string, needles: readonly string[]): boolean {
  for (const needle of needles) if (text.includes(needle)) return true;
  return false;
}

/** Offsets of the secret (or of the whole match) of the match that starts at `at`, from the same pattern with indices. */
function locate(sticky: RegExp, text: string, at: number): readonly [number, number] | undefined {
  sticky.lastIndex = at;
  const indices = sticky.exec(text)?.indices;
  return indices?.groups?.['secret'] ?? indices?.[0];
}

/** Rounds windows out to whole lines and merges the ones that touch. */
function mergeLines(text: string, windows: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  for (const [from, to] of windows) {
    const last = merged[merged.length - 1];
    // inside the last range already: no need to look for line ends again (a long line would make that quadratic)
    if (last && from <= last[1]) {
      if (to > last[1]) last[1] = lineEndAfter(text, to);
      continue;
    }
    const start = lineStartBefore(text, from);
    const end = lineEndAfter(text, to);
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
