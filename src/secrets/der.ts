/**
 * Just enough DER to tell a private key from base64 that only looks like one: the outer
 * SEQUENCE must span the whole body and hold the fields each key format starts with.
 */
interface Element {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

function readElement(bytes: Uint8Array, offset: number): Element | undefined {
  const tag = bytes[offset];
  let lengthByte = bytes[offset + 1];
  if (tag === undefined || lengthByte === undefined) return undefined;
  let length = lengthByte;
  let cursor = offset + 2;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) return undefined;
    length = 0;
    for (let index = 0; index < count; index += 1) {
      lengthByte = bytes[cursor + index];
      if (lengthByte === undefined) return undefined;
      length = length * 256 + lengthByte;
    }
    cursor += count;
  }
  if (cursor + length > bytes.length) return undefined;
  return { tag, start: cursor, end: cursor + length };
}

function children(bytes: Uint8Array, parent: Element): Element[] | undefined {
  const found: Element[] = [];
  let offset = parent.start;
  while (offset < parent.end) {
    const element = readElement(bytes, offset);
    if (!element || element.end > parent.end) return undefined;
    found.push(element);
    offset = element.end;
  }
  return found;
}

const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const SEQUENCE = 0x30;

function topLevel(bytes: Uint8Array): Element[] | undefined {
  const outer = readElement(bytes, 0);
  if (!outer || outer.tag !== SEQUENCE || outer.end !== bytes.length) return undefined;
  return children(bytes, outer);
}

const tags = (elements: readonly Element[]): number[] => elements.map((element) => element.tag);

/** `label` is the PEM label: `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `DSA PRIVATE KEY`, `PRIVATE KEY`. */
export function isPrivateKeyDer(label: string, bytes: Uint8Array): boolean {
  const fields = topLevel(bytes);
  if (!fields) return false;
  const kinds = tags(fields);
  switch (label) {
    case 'RSA PRIVATE KEY':
      return kinds.length >= 9 && kinds.slice(0, 9).every((tag) => tag === INTEGER);
    case 'DSA PRIVATE KEY':
      return kinds.length === 6 && kinds.every((tag) => tag === INTEGER);
    case 'EC PRIVATE KEY':
      return kinds[0] === INTEGER && kinds[1] === OCTET_STRING && (fields[1]!.end - fields[1]!.start) >= 16;
    case 'PRIVATE KEY':
      return kinds[0] === INTEGER && kinds[1] === SEQUENCE && kinds[2] === OCTET_STRING && (fields[2]!.end - fields[2]!.start) >= 16;
    default:
      return false;
  }
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}

/** Builds a DER element; samples use it to make structurally valid keys from random bytes. */
export function derElement(tag: number, content: readonly number[]): number[] {
  return [tag, ...encodeLength(content.length), ...content];
}

export const DER_TAG = { INTEGER, OCTET_STRING, SEQUENCE, OID: 0x06 } as const;
