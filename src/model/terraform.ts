import { createRequire } from 'node:module';
import type { Parser, SyntaxNode } from '@lezer/common';
import type { Diagnostic } from './diagnostic.js';
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

const requireModule = createRequire(import.meta.url);
let hclParser: Parser | undefined;

/** Loaded on first use: the grammar package pulls in CodeMirror, which trees without Terraform never need. */
function parser(): Parser {
  hclParser ??= (requireModule('codemirror-lang-hcl') as typeof import('codemirror-lang-hcl')).hclLanguage.parser;
  return hclParser;
}

/** Parses Terraform/HCL with the Lezer grammar, which keeps a position for every node. */
export function parseHcl(file: SourceFile): HclFile {
  const tree = parser().parse(file.text);
  const diagnostics: Diagnostic[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError && diagnostics.length === 0) {
        const position = file.position(node.from);
        // The grammar does not cover every HCL construct; it recovers, so the rest of the file is still read.
        diagnostics.push({ path: file.path, line: position.line, column: position.column, message: 'HCL the parser could not read from here; the rest of the file was checked', kind: 'note' });
      }
    },
  });
  const top = tree.topNode.getChild('Body');
  const body: HclBlock = {
    type: '',
    labels: [],
    span: file.span(0, file.text.length),
    ...readBody(file, top),
  };
  return { file, body, diagnostics };
}

function readBody(file: SourceFile, body: SyntaxNode | null): { attributes: HclAttribute[]; blocks: HclBlock[] } {
  const attributes: HclAttribute[] = [];
  const blocks: HclBlock[] = [];
  for (let child = body?.firstChild ?? null; child; child = child.nextSibling) {
    if (child.name === 'Attribute') {
      const attribute = readAttribute(file, child);
      if (attribute) attributes.push(attribute);
    } else if (child.name === 'Block') {
      blocks.push(readBlock(file, child));
    }
  }
  return { attributes, blocks };
}

function readBlock(file: SourceFile, node: SyntaxNode): HclBlock {
  const typeNode = node.getChild('BlockType');
  const labels = node.getChildren('BlockLabel').map((label) => unquote(file.text.slice(label.from, label.to)));
  return {
    type: typeNode ? file.text.slice(typeNode.from, typeNode.to) : '',
    labels,
    span: file.span(node.from, node.to),
    ...readBody(file, node.getChild('Body')),
  };
}

function readAttribute(file: SourceFile, node: SyntaxNode): HclAttribute | undefined {
  const identifier = node.getChild('Identifier');
  const expression = node.getChild('Expression');
  if (!identifier || !expression) return undefined;
  const attribute = {
    name: file.text.slice(identifier.from, identifier.to),
    span: file.span(node.from, node.to),
    valueSpan: file.span(expression.from, expression.to),
  };
  const literal = expression.getChild('LiteralValue')?.getChild('StringLit');
  if (!literal) return attribute;
  const parts = literal.getChildren('TemplateLiteral');
  const content = parts[0];
  if (parts.length > 1) return attribute;
  if (!content) {
    return { ...attribute, stringValue: '', stringSpan: file.span(literal.from + 1, literal.from + 1) };
  }
  return {
    ...attribute,
    stringValue: unescapeHcl(file.text.slice(content.from, content.to)),
    stringSpan: file.span(content.from, content.to),
  };
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') ? unescapeHcl(text.slice(1, -1)) : text;
}

function unescapeHcl(text: string): string {
  return text.replace(/\\(["\\nrt])/g, (_, character: string) =>
    character === 'n' ? '\n' : character === 'r' ? '\r' : character === 't' ? '\t' : character);
}

/** Every block at any depth, depth first. */
export function allBlocks(block: HclBlock): HclBlock[] {
  return block.blocks.flatMap((child) => [child, ...allBlocks(child)]);
}
