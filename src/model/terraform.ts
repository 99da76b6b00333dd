import type { Diagnostic } from './diagnostic.js';
import { expressionEnd, identifierEnd, isIdentifierStart, lineEnd, plainStringContent, quotedStringEnd, skipTrivia, unescapeHcl, type ScanProblem } from './hcl-scanner.js';
import type { SourceFile } from './source-file.js';
import type { Span } from './span.js';

export interface HclAttribute {
  readonly name: string;
  readonly span: Span;
  readonly valueSpan: Span;
  /** the literal string value, when the expression is a plain string without interpolation */
  readonly stringValue?: string;
  /** span of the string's content, inside the quotes */
  readonly stringSpan?: Span;
}

export interface HclBlock {
  readonly type: string;
  readonly labels: string[];
  readonly span: Span;
  readonly attributes: HclAttribute[];
  readonly blocks: HclBlock[];
}

export interface HclFile {
  readonly file: SourceFile;
  readonly body: HclBlock;
  readonly diagnostics: Diagnostic[];
}

interface OpenBlock {
  readonly type: string;
  readonly labels: string[];
  readonly start: number;
  readonly attributes: HclAttribute[];
  readonly blocks: HclBlock[];
}

/**
 * Reads Terraform/HCL's structure: blocks with their labels, attributes with the extent of their
 * expression and the value of plain string literals. Expressions are not evaluated, only delimited,
 * so one forward pass over the text does it (time linear in the file, heredocs included); what it
 * cannot read is skipped to the end of its line and noted once, and the rest of the file is read.
 */
export function parseHcl(file: SourceFile): HclFile {
  const { text } = file;
  const problems: ScanProblem[] = [];
  const top: OpenBlock = { type: '', labels: [], start: 0, attributes: [], blocks: [] };
  const open: OpenBlock[] = [top];
  const close = (end: number): void => {
    const block = open.pop()!;
    open[open.length - 1]!.blocks.push({ type: block.type, labels: block.labels, span: file.span(block.start, end), attributes: block.attributes, blocks: block.blocks });
  };
  let position = 0;
  while (true) {
    position = skipTrivia(text, position, true, problems);
    if (position >= text.length) break;
    const current = open[open.length - 1]!;
    if (text.charCodeAt(position) === 125 /* } */) {
      if (open.length > 1) close(position + 1);
      else problems.push({ offset: position, message: 'unexpected }' });
      position += 1;
      continue;
    }
    if (!isIdentifierStart(text, position)) {
      problems.push({ offset: position, message: 'expected an attribute or a block' });
      position = lineEnd(text, position);
      continue;
    }
    const nameEnd = identifierEnd(text, position);
    const name = text.slice(position, nameEnd);
    const afterName = skipTrivia(text, nameEnd, false, problems);
    if (text.charCodeAt(afterName) === 61 /* = */ && text.charCodeAt(afterName + 1) !== 61) {
      const valueStart = skipTrivia(text, afterName + 1, false, problems);
      const value = expressionEnd(text, valueStart, problems);
      current.attributes.push(attribute(file, name, position, valueStart, value.end));
      position = value.next;
      continue;
    }
    const labels = readLabels(text, afterName, problems);
    if (text.charCodeAt(labels.next) === 123 /* { */) {
      open.push({ type: name, labels: labels.values, start: position, attributes: [], blocks: [] });
      position = labels.next + 1;
    } else {
      problems.push({ offset: labels.next, message: `expected = or { after ${name}` });
      position = lineEnd(text, labels.next);
    }
  }
  if (open.length > 1) problems.push({ offset: text.length, message: `the block ${open[open.length - 1]!.type} is not closed` });
  while (open.length > 1) close(text.length);
  const body: HclBlock = { type: '', labels: [], span: file.span(0, text.length), attributes: top.attributes, blocks: top.blocks };
  return { file, body, diagnostics: problems.slice(0, 1).map((problem) => note(file, problem)) };
}

function attribute(file: SourceFile, name: string, start: number, valueStart: number, valueEnd: number): HclAttribute {
  const read = { name, span: file.span(start, valueEnd), valueSpan: file.span(valueStart, valueEnd) };
  const content = plainStringContent(file.text, valueStart, valueEnd);
  if (!content) return read;
  return { ...read, stringValue: unescapeHcl(file.text.slice(content.start, content.end)), stringSpan: file.span(content.start, content.end) };
}

/** Block labels: quoted strings or identifiers, up to what follows them. */
function readLabels(text: string, at: number, problems: ScanProblem[]): { values: string[]; next: number } {
  const values: string[] = [];
  let position = at;
  while (position < text.length) {
    if (text.charCodeAt(position) === 34 /* " */) {
      const end = quotedStringEnd(text, position, problems);
      const content = plainStringContent(text, position, end);
      values.push(content ? unescapeHcl(text.slice(content.start, content.end)) : text.slice(position, end));
      position = skipTrivia(text, end, false, problems);
    } else if (isIdentifierStart(text, position)) {
      const end = identifierEnd(text, position);
      values.push(text.slice(position, end));
      position = skipTrivia(text, end, false, problems);
    } else {
      break;
    }
  }
  return { values, next: position };
}

function note(file: SourceFile, problem: ScanProblem): Diagnostic {
  const { line, column } = file.position(problem.offset);
  return { path: file.path, line, column, message: `HCL not read here (${problem.message}); the rest of the file was checked`, kind: 'note' };
}

/** Every block at any depth, depth first. */
export function allBlocks(block: HclBlock): HclBlock[] {
  const found: HclBlock[] = [];
  const pending = [...block.blocks].reverse();
  while (pending.length > 0) {
    const next = pending.pop()!;
    found.push(next);
    for (let index = next.blocks.length - 1; index >= 0; index -= 1) pending.push(next.blocks[index]!);
  }
  return found;
}
