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
  if (hasBinarySignature(sample)) return 'binary';
  return nonTextBytes(sample) <= sample.length * MAX_NON_TEXT_SHARE ? 'utf-8' : 'binary';
}

/**
 * Image, archive and executable formats by their magic bytes: a PNG that carries a large text chunk
 * (draw.io embeds its diagram so) is still a picture, whatever share of its first bytes is text.
 */
const BINARY_SIGNATURES: readonly number[][] = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0x50, 0x4b, 0x03, 0x04], // ZIP (jar, docx, …)
  [0x1f, 0x8b], // gzip
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0x25, 0x50, 0x44, 0x46], // %PDF
];

function hasBinarySignature(sample: Uint8Array): boolean {
  return BINARY_SIGNATURES.some((signature) => signature.every((byte, index) => sample[index] === byte));
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
