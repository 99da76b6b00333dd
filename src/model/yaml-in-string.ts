import { isMap, isScalar, isSeq, visit, type Node } from 'yaml';
import { parseRefusal } from './parse-limits.js';
import type { SourceFile } from './source-file.js';
import { withLineFeeds } from './span.js';
import { parseAllDocumentsLikeGoYaml } from './yaml-quoted-indent.js';

/** A `---` line inside a block scalar: indented like the text around it, it still ends one embedded document. */
const DOCUMENT_SEPARATOR = /^[ \t]*---(?:[ \t].*)?$/;

/**
 * The YAML documents written in a literal block scalar (`values: |`, a Kustomize `patch: |-`),
 * parsed from their lines as they stand in the file (indentation included), so that node ranges are
 * file offsets and findings and pin edits land on the right characters. `---` lines split the text
 * into documents. Folded or quoted strings change their text when read, so offsets would not hold:
 * they are left out, as are documents that do not parse.
 */
export function documentsInBlockLiteral(file: SourceFile, node: Node | undefined): Node[] {
  if (!isScalar(node) || node.type !== 'BLOCK_LITERAL' || !node.range) return [];
  const headerEnd = file.text.indexOf('\n', node.range[0]);
  if (headerEnd === -1 || headerEnd >= node.range[1]) return [];
  const found: Node[] = [];
  let start = headerEnd + 1;
  const end = node.range[1];
  while (start < end) {
    const { chunkEnd, next } = nextChunk(file.text, start, end);
    const root = parseChunk(file.text.slice(start, chunkEnd), start);
    if (root) found.push(root);
    start = next;
  }
  return found;
}

function nextChunk(text: string, start: number, end: number): { chunkEnd: number; next: number } {
  let lineStart = start;
  while (lineStart < end) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 || newline > end ? end : newline;
    if (DOCUMENT_SEPARATOR.test(text.slice(lineStart, lineEnd).replace(/\r$/, ''))) {
      return { chunkEnd: lineStart, next: Math.min(end, lineEnd + 1) };
    }
    lineStart = lineEnd + 1;
  }
  return { chunkEnd: end, next: end };
}

function parseChunk(text: string, offset: number): Node | undefined {
  if (text.trim() === '' || parseRefusal(text)) return undefined;
  try {
    const [document, ...rest] = parseAllDocumentsLikeGoYaml(withLineFeeds(text), offset);
    if (!document || rest.length > 0 || document.errors.length > 0) return undefined;
    return (document.contents as Node | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The YAML documents of a string written in another style than a literal block (`patch: '[{"op": …}]'`,
 * a folded `>` block, a plain scalar): its value is what a tool reads, but offsets within it do not map
 * back to the file, so every node of the result spans the whole string.
 */
export function documentsInOtherString(node: Node | undefined): Node[] {
  if (!isScalar(node) || node.type === 'BLOCK_LITERAL' || typeof node.value !== 'string' || !node.range) return [];
  const text = node.value;
  if (!/[:[{]/.test(text) || parseRefusal(text)) return [];
  try {
    const documents = parseAllDocumentsLikeGoYaml(text);
    if (documents.some((document) => document.errors.length > 0)) return [];
    const range = node.range;
    const roots = documents.map((document) => document.contents as Node | null).filter((root): root is Node => root !== null && (isMap(root) || isSeq(root)));
    for (const root of roots) {
      visit(root, { Node(_key, inner) { inner.range = [range[0], range[1], range[2]]; } });
    }
    return roots;
  } catch {
    return [];
  }
}
