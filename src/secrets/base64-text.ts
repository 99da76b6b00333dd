import { isUtf8 } from 'node:buffer';
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Base64 that decodes to UTF-8 text without NUL bytes; undefined for binary or non-base64 values. */
export function decodeBase64Text(raw: string): string | undefined {
  const compact = raw.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  // checked before decoding: a decoder that throws on bad UTF-8 costs an exception per random value
  if (bytes.includes(0) || !isUtf8(bytes)) return undefined;
  return strictUtf8.decode(bytes);
}

