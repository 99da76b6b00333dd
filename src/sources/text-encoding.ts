/**
 * Whether bytes are text, and in which encoding. git calls anything with a NUL in its first 8,000
 * bytes binary; that hides secrets in UTF-16 files (Windows tools write them, with a byte order
 * mark) and in text files that merely hold a NUL. So: a UTF-16 BOM means UTF-16, and a NUL makes
 * content binary only when the sample is not otherwise text.
 */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'binary';

export const SNIFF_BYTES = 8000;
/** share of the sample that may be control bytes or invalid UTF-8 in text that holds a NUL */
const MAX_NON_TEXT_SHARE = 0.05;

export function textEncoding(bytes: Uint8Array): TextEncoding {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const sample = bytes.subarray(0, SNIFF_BYTES);
  if (!sample.includes(0)) return 'utf-8';
  return nonTextBytes(sample) <= sample.length * MAX_NON_TEXT_SHARE ? 'utf-8' : 'binary';
}

const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Control bytes other than whitespace and ESC, plus bytes that are not part of valid UTF-8. */
function nonTextBytes(sample: Uint8Array): number {
  let count = 0;
  for (const byte of sample) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) || byte === 0x7f) count += 1;
  }
  // a cut at the sample's end may split one character: that is not evidence
  const decoded = lenientUtf8.decode(sample);
  for (let index = decoded.indexOf('\uFFFD'); index !== -1; index = decoded.indexOf('\uFFFD', index + 1)) count += 1;
  return Math.max(0, count - 1);
}
