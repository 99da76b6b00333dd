import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node, type YAMLError, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import { MAX_NESTING, NESTING_REFUSAL, roughBound, sizeRefusal } from './parse-limits.js';
import { parseAllDocumentsLikeGoYaml, parseAllDocumentsWithinNesting } from './yaml-quoted-indent.js';
import type { SourceFile } from './source-file.js';
import { withLineFeeds, type Span } from './span.js';

export type { Node, Pair, Scalar, YAMLMap, YAMLSeq };

export interface YamlDocument {
  readonly file: SourceFile;
  /** 0-based position in a multi-document stream */
  readonly index: number;
  readonly document: Document.Parsed;
  readonly root: Node | null;
}

export interface ParsedYaml {
  readonly documents: YamlDocument[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses every document of a YAML stream, keeping node ranges. A document with errors is
 * reported (with line and column) and left out; the other documents of the stream still count.
 * A text nested too deep or too large to parse is not parsed at all (see `parseRefusal`; the nesting is
 * counted as the text is parsed).
 */
export function parseYamlFile(file: SourceFile): ParsedYaml {
  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const invalid = /\.json$/i.test(file.path) ? 'invalid JSON' : 'invalid YAML';
  const refusal = sizeRefusal(file.text);
  if (refusal) {
    diagnostics.push({ path: file.path, message: refusal, kind: 'incomplete' });
    return { documents, diagnostics };
  }
  let parsed: Document.Parsed[] | undefined;
  try {
    // the yaml library ends lines only at a line feed; YAML and go-yaml also at a lone carriage return
    const text = withLineFeeds(file.text);
    // the rough bound of the nesting clears nearly every file; the others are counted token by token as they are parsed
    parsed = roughBound(text) <= MAX_NESTING ? parseAllDocumentsLikeGoYaml(text) : parseAllDocumentsWithinNesting(text, MAX_NESTING);
  } catch (error) {
    diagnostics.push({ path: file.path, message: `${invalid}: ${String(error)}`, kind: 'incomplete' });
    return { documents, diagnostics };
  }
  if (!parsed) {
    diagnostics.push({ path: file.path, message: NESTING_REFUSAL, kind: 'incomplete' });
    return { documents, diagnostics };
  }
  parsed.forEach((document, index) => {
    const error = document.errors[0];
    if (error) {
      const position = file.position(unclosedQuoteStart(document, error) ?? error.pos[0]);
      const message = error.message.split('\n')[0] ?? error.message;
      diagnostics.push({ path: file.path, line: position.line, column: position.column, message: `${invalid}: ${message}`, kind: 'incomplete' });
      return;
    }
    recordSharedNodes(file, document);
    documents.push({ file, index, document, root: document.contents as Node | null });
  });
  return { documents, diagnostics };
}

/** Where one document of a stream is written, to parse it again on its own (`parseYamlDocumentsAt`). */
export interface DocumentPlace {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

export function documentPlace(document: YamlDocument): DocumentPlace {
  const [start, , end] = document.document.range;
  return { index: document.index, start, end };
}

/**
 * Documents of a file that `parseYamlFile` read without errors, parsed again each from its own text
 * (positions stay the file's). A file with directives (`%TAG`), which apply across documents, is
 * parsed whole again, as is one whose document does not read back as one document.
 */
export function parseYamlDocumentsAt(file: SourceFile, places: readonly DocumentPlace[]): YamlDocument[] {
  const again = (): YamlDocument[] => {
    const documents = parseYamlFile(file).documents;
    return places.flatMap((place) => documents.filter((document) => document.index === place.index));
  };
  if (places.length === 0) return [];
  if (/^%/m.test(file.text)) return again();
  const documents: YamlDocument[] = [];
  for (const place of places) {
    const [document, ...more] = parseAllDocumentsLikeGoYaml(withLineFeeds(file.text.slice(place.start, place.end)), place.start);
    if (!document || more.length > 0 || document.errors.length > 0) return again();
    recordSharedNodes(file, document);
    documents.push({ file, index: place.index, document, root: document.contents as Node | null });
  }
  return documents;
}

/** The text of one document of a stream (what a check of the document's text reads, rather than the whole file's once per document). */
export function documentText(document: YamlDocument): string {
  const range = document.document.range;
  return document.file.text.slice(range[0], range[2]);
}

/** Where the quoted scalar opened, for a quote that is never closed: the parser stops it at the end of the text or at a document marker. */
function unclosedQuoteStart(document: Document.Parsed, error: YAMLError): number | undefined {
  if (error.code !== 'MISSING_CHAR') return undefined;
  let start: number | undefined;
  visit(document, {
    Scalar(_key, node) {
      if (node.range?.[1] !== error.pos[0] || (node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE')) return undefined;
      start = node.range[0];
      return visit.BREAK;
    },
  });
  return start;
}

function recordSharedNodes(file: SourceFile, document: Document.Parsed): void {
  // the document's own text, not the file's: a stream of many documents is then read once, not once per document
  const text = file.text.slice(document.range[0], document.range[2]);
  if (!text.includes('*')) {
    treeShaped.add(document);
    return;
  }
  // an alias stands for a node anchored before it: without an anchor (`&name` where a node may start), every alias is dangling
  if (ANCHOR.test(text)) {
    recordAliasTargets(document);
  } else {
    aliasesRecorded.add(document);
    treeShaped.add(document);
  }
  if (text.includes('<<')) recordMergeSources(document);
}

/** Documents read from a file in which no alias stands for a node: no node is reached twice by following aliases. */
const treeShaped = new WeakSet<Document>();

/**
 * Whether a walk of the document that follows aliases reaches each node once (it has no alias, or
 * only dangling ones), so that it need not remember the nodes it has been through. False when not known.
 */
export function isTreeShaped(document: Document): boolean {
  return treeShaped.has(document);
}

/** `&name` at the start of the text, after white space or after a flow indicator, as YAML's lexer reads an anchor. */
const ANCHOR = /(?:^|[\s[{,:])&[^\s[\]{},]/;

/** The node each alias (`*name`) stands for, resolved while the document is at hand. */
const aliasTargets = new WeakMap<object, Node>();
/** Documents whose aliases `aliasTargets` holds (a dangling alias has no entry). */
const aliasesRecorded = new WeakSet<Document>();

/**
 * One walk of the document, each alias taking the last node anchored with its name before it (what
 * yaml's `Alias.resolve` answers, but that walks the whole document again for every alias).
 */
function recordAliasTargets(document: Document): void {
  const anchored = new Map<string, Node>();
  visit(document, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchored.get(node.source);
        if (target) aliasTargets.set(node, target);
      } else if (node.anchor) {
        anchored.set(node.anchor, node as Node);
      }
    },
  });
  aliasesRecorded.add(document);
}

/** The node an alias of `document` stands for (undefined when dangling); any other node as it is. */
export function followAlias(document: Document, node: unknown): Node | undefined {
  if (!isAlias(node)) return (node ?? undefined) as Node | undefined;
  if (!aliasesRecorded.has(document)) recordAliasTargets(document);
  return aliasTargets.get(node);
}

/**
 * The node an alias stands for (any other node as it is; a dangling alias gives undefined). Every
 * reader of values goes through it: `image: *shared` is the image the anchor holds, as Kubernetes,
 * Compose and Actions read it, and a check that saw only the alias would miss what it deploys.
 */
export function resolveAlias(node: unknown): Node | undefined {
  if (!isAlias(node)) return (node ?? undefined) as Node | undefined;
  return aliasTargets.get(node);
}

/** The maps each `<<` merge key brings in, aliases resolved while the document is at hand. */
const mergeSources = new WeakMap<Pair<unknown, unknown>, YAMLMap[]>();

function recordMergeSources(document: Document.Parsed): void {
  visit(document, {
    Pair(_key, pair) {
      if (scalarKey(pair) !== MERGE_KEY) return;
      const values = isSeq(pair.value) ? pair.value.items : [pair.value];
      const maps = values.flatMap((value) => {
        const target = followAlias(document, value);
        return isMap(target) ? [target] : [];
      });
      mergeSources.set(pair, maps);
    },
  });
}

const MERGE_KEY = '<<';
const MAX_MERGE_DEPTH = 16;

/** The span of a node's value, without a trailing comment; quotes included. */
export function spanOf(file: SourceFile, node: Node | null | undefined): Span | undefined {
  const range = node?.range;
  if (!range) return undefined;
  return { path: file.path, start: range[0], end: range[1] };
}

/** The span of a scalar's content: inside the quotes for quoted scalars, the text itself for a one-line block scalar. */
export function innerSpanOf(file: SourceFile, node: Scalar): Span | undefined {
  const span = spanOf(file, node);
  if (!span) return undefined;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    return { path: span.path, start: span.start + 1, end: span.end - 1 };
  }
  if ((node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') && typeof node.value === 'string') {
    // `image: >-` and the value on the next line: the span is the value's own text, when it is written on one line
    const value = node.value.trim();
    const at = value === '' || value.includes('\n') ? -1 : file.text.slice(span.start, span.end).indexOf(value);
    if (at !== -1) return { path: span.path, start: span.start + at, end: span.start + at + value.length };
  }
  return span;
}

/**
 * The value at a key of a map node, or undefined. As Kubernetes' decoders read it: with duplicate keys
 * the last one wins, and keys the map does not set itself come from its `<<` merge keys.
 */
export function getNode(node: unknown, key: string): Node | undefined {
  const map = resolveAlias(node);
  if (!isMap(map)) return undefined;
  // one pass from the last key (the one that wins), noting merge keys for a miss: rules look up keys a map mostly lacks
  let merges = false;
  const items = map.items;
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const pair = items[index]!;
    const written = scalarKey(pair);
    if (written === key) return resolveAlias(pair.value);
    if (written === MERGE_KEY) merges = true;
  }
  return merges && isMap(node) ? mergedValue(node, key, new Set(), 0) : undefined;
}

/**
 * The value `key` takes from a map's `<<` merge keys, depth first in the order written. A map already
 * searched is not searched again: it holds no such key, and merge keys that name the same anchors
 * level after level (`<<: [*a8, *a8, …]` with `a8` merging `*a7` nine times…) would otherwise be
 * searched once per path, 9^n times (a 1 KB file held the scan for minutes).
 */
function mergedValue(map: YAMLMap, key: string, searched: Set<YAMLMap>, depth: number): Node | undefined {
  if (depth >= MAX_MERGE_DEPTH || searched.has(map)) return undefined;
  searched.add(map);
  for (const merge of map.items) {
    if (scalarKey(merge) !== MERGE_KEY) continue;
    for (const source of mergeSources.get(merge) ?? (isMap(merge.value) ? [merge.value] : [])) {
      const pair = getPair(source, key);
      if (pair) return resolveAlias(pair.value);
      const value = mergedValue(source, key, searched, depth + 1);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** The pair of a key in a map node (the last one when the key is written twice), or undefined. */
export function getPair(node: unknown, key: string): Pair<unknown, unknown> | undefined {
  const map = resolveAlias(node);
  if (!isMap(map)) return undefined;
  const items = map.items;
  for (let index = items.length - 1; index >= 0; index -= 1) if (scalarKey(items[index]!) === key) return items[index];
  return undefined;
}

/** Follows a path of map keys. */
export function getPath(node: unknown, ...keys: string[]): Node | undefined {
  let current: unknown = node;
  for (const key of keys) {
    current = getNode(current, key);
    if (current === undefined) return undefined;
  }
  return current as Node;
}

export function scalarKey(pair: Pair<unknown, unknown>): string | undefined {
  const key = pair.key;
  if (isScalar(key)) {
    const value = key.value;
    return typeof value === 'string' ? value : value === null ? undefined : String(value);
  }
  return typeof key === 'string' ? key : undefined;
}

/** The string value of a scalar node (numbers and booleans as written), else undefined. */
export function stringValue(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return node.source ?? String(value);
  }
  return undefined;
}

export function getString(node: unknown, ...keys: string[]): string | undefined {
  return stringValue(getPath(node, ...keys));
}

export function mapEntries(node: unknown): Array<{ key: string; pair: Pair<unknown, unknown>; value: Node | undefined }> {
  if (!isMap(node)) return [];
  const entries: Array<{ key: string; pair: Pair<unknown, unknown>; value: Node | undefined }> = [];
  for (const pair of node.items) {
    const key = scalarKey(pair);
    if (key !== undefined) entries.push({ key, pair, value: (pair.value ?? undefined) as Node | undefined });
  }
  return entries;
}

export function seqItems(node: unknown): Node[] {
  if (!isSeq(node)) return [];
  if (!node.items.some(isAlias)) return node.items as Node[];
  return node.items.flatMap((item) => resolveAlias(item) ?? []);
}

export { isMap, isScalar, isSeq };
