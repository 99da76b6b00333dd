import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';

/**
 * Writes a JSON value (an object the API server sent) as block YAML and builds its YAML nodes at
 * the same time, with the ranges a parser would give them: the admission webhook judges objects
 * with the rules of `scan`, which read text and nodes, without printing and re-parsing each one
 * (that round trip was half of a request's time).
 */
export interface ObjectYaml {
  readonly text: string;
  readonly document: Document.Parsed;
}

export function objectYaml(value: Record<string, unknown>): ObjectYaml {
  const writer = new Writer();
  const root = isEmpty(value) ? writer.flowEmpty(value, '\n') : writer.map(value, 0, false);
  const document = new Document() as unknown as Document.Parsed;
  document.contents = root as Document.Parsed['contents'];
  document.range = [0, writer.length, writer.length];
  return { text: writer.text(), document };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * The yaml library's constructors define each node's type with Object.defineProperty, which was half
 * of building an object's nodes. Ours inherit it: prototypes below the library's classes carry the
 * type, so `isMap`/`isScalar`/`instanceof` read them as the library's own, and each node only gets
 * its fields.
 */
const NODE_TYPE = Symbol.for('yaml.node.type');

function typedPrototype<T extends object>(prototype: T, sample: object): T {
  return Object.create(prototype, { [NODE_TYPE]: { value: (sample as Record<symbol, unknown>)[NODE_TYPE] } }) as T;
}

const SCALAR = typedPrototype(Scalar.prototype, new Scalar(null));
const MAP = typedPrototype(YAMLMap.prototype, new YAMLMap());
const SEQ = typedPrototype(YAMLSeq.prototype, new YAMLSeq());
const PAIR = typedPrototype(Pair.prototype, new Pair(null));

function scalarNode(value: string | number | boolean | null): Scalar {
  const node = Object.create(SCALAR) as Scalar;
  node.value = value;
  return node;
}

function collectionNode<T extends YAMLMap | YAMLSeq>(prototype: T): T {
  const node = Object.create(prototype) as T;
  node.items = [];
  return node;
}

function pairNode(key: Node, value: Node): Pair {
  const node = Object.create(PAIR) as Pair;
  node.key = key;
  node.value = value;
  return node;
}

class Writer {
  private readonly parts: string[] = [];
  length = 0;

  text(): string {
    return this.parts.join('');
  }

  map(value: Record<string, unknown>, indent: number, inline: boolean): YAMLMap {
    const map = collectionNode(MAP);
    const start = this.length + (inline ? 0 : indent);
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (!first || !inline) this.write(spaces(indent));
      first = false;
      const keyNode = this.scalar(key, indent, true);
      this.write(':');
      map.items.push(pairNode(keyNode, this.value(item as Json, indent)));
    }
    map.range = [start, this.length, this.length];
    return map;
  }

  private seq(value: readonly unknown[], indent: number): YAMLSeq {
    const seq = collectionNode(SEQ);
    const start = this.length + indent;
    for (const item of value) {
      this.write(spaces(indent));
      this.write('- ');
      const json = (item === undefined ? null : item) as Json;
      if (isCollection(json) && !isEmpty(json)) {
        if (Array.isArray(json)) {
          this.write('\n');
          seq.items.push(this.seq(json, indent + 2));
        } else {
          seq.items.push(this.map(json, indent + 2, true));
        }
      } else {
        seq.items.push(this.leaf(json, indent + 2));
      }
    }
    seq.range = [start, this.length, this.length];
    return seq;
  }

  /** The value of a map entry, after its `key:`. */
  private value(value: Json, indent: number): Node {
    if (isCollection(value) && !isEmpty(value)) {
      this.write('\n');
      return Array.isArray(value) ? this.seq(value, indent + 2) : this.map(value, indent + 2, false);
    }
    this.write(' ');
    return this.leaf(value, indent + 2);
  }

  /** A scalar or an empty collection, then the end of its line. */
  private leaf(value: Json, indent: number): Node {
    if (isCollection(value)) return this.flowEmpty(value, '\n');
    const node = this.scalar(value, indent, false);
    if (node.type !== Scalar.BLOCK_LITERAL) this.write('\n');
    return node;
  }

  flowEmpty(value: unknown, after: string): Node {
    const node = Array.isArray(value) ? collectionNode(SEQ) : collectionNode(MAP);
    node.flow = true;
    const start = this.length;
    this.write(Array.isArray(value) ? '[]' : '{}');
    node.range = [start, this.length, this.length];
    this.write(after);
    return node;
  }

  private scalar(value: string | number | boolean | null, indent: number, isKey: boolean): Scalar {
    const node = scalarNode(value);
    const start = this.length;
    if (typeof value === 'string') {
      if (!isKey && isLiteralBlockSafe(value)) return this.literal(node, value, indent);
      if (isPlainSafe(value)) {
        node.type = Scalar.PLAIN;
        this.write(value);
      } else {
        node.type = Scalar.QUOTE_DOUBLE;
        this.write(JSON.stringify(value));
      }
    } else {
      node.type = Scalar.PLAIN;
      this.write(value === null ? 'null' : String(value));
    }
    node.range = [start, this.length, this.length];
    return node;
  }

  /** `|`, `|-` or `|+` and the lines indented: multi-line text stays lines, as it was in Git. */
  private literal(node: Scalar, value: string, indent: number): Scalar {
    node.type = Scalar.BLOCK_LITERAL;
    const start = this.length;
    const trailing = /\n*$/.exec(value)![0].length;
    const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
    const body = trailing === 0 ? value : value.slice(0, value.length - trailing);
    const pad = ' '.repeat(indent);
    const lines = body.split('\n').map((line) => (line === '' ? '' : pad + line));
    this.write(`|${chomp}\n${lines.join('\n')}\n${'\n'.repeat(Math.max(0, trailing - 1))}`);
    node.range = [start, this.length, this.length];
    return node;
  }

  private write(text: string): void {
    this.parts.push(text);
    this.length += text.length;
  }
}

const INDENTS: string[] = [];

/** `count` spaces, built once per depth: every line of an object starts with one. */
function spaces(count: number): string {
  return (INDENTS[count] ??= ' '.repeat(count));
}

function isCollection(value: unknown): value is Json[] | { [key: string]: Json } {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/** Words that a YAML 1.1 or 1.2 reader would take for something other than a string. */
const NOT_A_STRING = /^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?(?:\.inf|\.nan)|[-+]?(?:\d[\d_]*)?\.?\d[\d_.:eE+-]*|0[xob][\da-fA-F_]+|<<|=)$/i;
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

/** Names, labels, image references: no indicator first, no blank, no `:`, no `#`, no control character. */
const SIMPLE = /^[A-Za-z0-9][A-Za-z0-9._/@=+-]*$/;

function isPlainSafe(value: string): boolean {
  if (SIMPLE.test(value)) return !NOT_A_STRING.test(value);
  if (value === '' || NOT_A_STRING.test(value) || INDICATOR_START.test(value) || /\s$/.test(value)) return false;
  if (value.includes(': ') || value.includes(' #') || value.endsWith(':')) return false;
  // control characters, line breaks and non-ASCII break characters need escapes
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(value);
}

/** Multi-line text whose every line a literal block keeps exactly. */
function isLiteralBlockSafe(value: string): boolean {
  if (!value.includes('\n') || /^[ \t\n]/.test(value)) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(value)) return false;
  // a line of blanks only is read as an empty line: its blanks would be lost
  return !value.replace(/\n+$/, '').split('\n').some((line) => line !== '' && line.trim() === '');
}
