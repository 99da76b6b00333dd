import { isMap, isScalar, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { ImageOccurrence } from '../model/image-occurrence.js';
import type { TextEdit } from '../model/finding.js';
import type { SourceFile } from '../model/source-file.js';
import { isSopsEncryptedText } from '../model/sops.js';

export type ImageEditResult = { readonly ok: true; readonly edits: TextEdit[] } | { readonly ok: false; readonly reason: string };

/**
 * The text edits that make an image occurrence carry `digest`, touching nothing else:
 * - a reference written whole gets `@sha256:…` appended (the tag stays for readers);
 * - a Kustomize `images:` entry or a Helm values block gets its `digest` key set, or a
 *   `digest:` line added with the entry's indentation (in a flow map: `, digest: …`).
 */
export function imageDigestEdits(occurrence: ImageOccurrence, digest: string): ImageEditResult {
  const { pin, file } = occurrence;
  if (pin.kind === 'none') return { ok: false, reason: pin.reason };
  if (isSopsEncryptedText(file.text)) return { ok: false, reason: 'the file is SOPS-encrypted and its MAC covers this value too: an edit outside `sops` breaks decryption; pin it with `sops edit`' };
  if (pin.kind === 'text') {
    const written = file.text.slice(pin.span.start, pin.span.end);
    const leading = written.length - written.trimStart().length;
    const expected = pin.written ?? occurrence.text;
    if (written.trim() !== expected) {
      return { ok: false, reason: 'the reference is written with escapes or line breaks; pin it by hand' };
    }
    const at = pin.span.start + leading + expected.length;
    return { ok: true, edits: [{ path: file.path, start: at, end: at, text: `@${digest}` }] };
  }
  const value = pin.digestHexOnly ? digest.replace(/^sha256:/, '') : digest;
  if (pin.digest) return setScalar(file, pin.digest, value);
  return addDigestKey(file, pin.map, pin.digestKey, value, pin.tag);
}

/** Fills an existing empty `digest:` value, in its own quoting style. */
function setScalar(file: SourceFile, scalar: Scalar, digest: string): ImageEditResult {
  const range = scalar.range;
  if (!range) return { ok: false, reason: 'the digest key has no position' };
  const [start, end] = range;
  const written = file.text.slice(start, end);
  if (scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE') {
    return { ok: true, edits: [{ path: file.path, start: start + 1, end: end - 1, text: digest }] };
  }
  if (scalar.type === 'BLOCK_FOLDED' || scalar.type === 'BLOCK_LITERAL') {
    return { ok: false, reason: 'the digest is a block scalar; set it by hand' };
  }
  if (written === '') {
    const before = file.text[start - 1];
    return { ok: true, edits: [{ path: file.path, start, end, text: before === ':' ? ` ${digest}` : digest }] };
  }
  return { ok: true, edits: [{ path: file.path, start, end, text: digest }] };
}

function addDigestKey(file: SourceFile, map: YAMLMap, key: string, digest: string, tag: Scalar | undefined): ImageEditResult {
  const pairs = map.items;
  const last = pairs[pairs.length - 1];
  const firstKey = pairs[0]?.key as Node | undefined;
  if (!last || !firstKey?.range) return { ok: false, reason: 'the image entry has no keys to place a digest after' };
  if (map.flow) {
    const end = nodeEnd(last.value as Node | null) ?? nodeEnd(last.key as Node | null);
    if (end === undefined) return { ok: false, reason: 'cannot place a digest in this flow mapping' };
    return { ok: true, edits: [{ path: file.path, start: end, end, text: `, ${key}: ${digest}` }] };
  }
  // after the tag's line when the tag is a one-line scalar (readers see them together), else at the end
  const tagPair = pairs.find((pair) => pair.value === tag);
  const anchorNode = (tag && tagPair && isScalar(tag) && !isMultiLine(file, tag) ? tag : (last.value ?? last.key)) as Node | null;
  const anchor = nodeEnd(anchorNode);
  if (anchor === undefined) return { ok: false, reason: 'cannot find where the image entry ends' };
  const lineEnd = endOfLine(file.text, lastContentBefore(file.text, anchor));
  const indent = ' '.repeat(firstKey.range[0] - lineStartOf(file.text, firstKey.range[0]));
  const lineBreak = file.text.includes('\r\n') ? '\r\n' : '\n';
  return { ok: true, edits: [{ path: file.path, start: lineEnd, end: lineEnd, text: `${lineBreak}${indent}${key}: ${digest}` }] };
}

function nodeEnd(node: Node | null | undefined): number | undefined {
  if (!node) return undefined;
  if (isMap(node) && !node.flow) {
    const last = node.items[node.items.length - 1];
    return nodeEnd((last?.value ?? last?.key) as Node | null) ?? node.range?.[1];
  }
  return node.range?.[1];
}

function isMultiLine(file: SourceFile, node: Node): boolean {
  const range = node.range;
  return !range || file.text.slice(range[0], range[1]).includes('\n');
}

/** Steps back over white space and line breaks that trail a nested block. */
function lastContentBefore(text: string, offset: number): number {
  let position = offset;
  while (position > 0 && /\s/.test(text[position - 1] ?? '')) position -= 1;
  return position;
}

/** The offset of the line break ending the line at `offset` (before `\r\n`), or the text's end. */
function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
