const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file name as Rampart shows and keys it: the name itself when it is UTF-8, otherwise each byte
 * that is not part of a valid UTF-8 sequence written `\xNN` (the file is still read by its bytes).
 */
export function displayFileName(name: Buffer): string {
  try {
    return strictUtf8.decode(name);
  } catch {
    return escapeInvalidBytes(name);
  }
}

function escapeInvalidBytes(name: Buffer): string {
  let shown = '';
  let index = 0;
  while (index < name.length) {
    const length = sequenceLength(name, index);
    if (length === 0) {
      shown += `\\x${name[index]!.toString(16).toUpperCase().padStart(2, '0')}`;
      index += 1;
    } else {
      shown += name.toString('utf8', index, index + length);
      index += length;
    }
  }
  return shown;
}

/** The length of the valid UTF-8 sequence starting at `index`, 0 when there is none. */
function sequenceLength(bytes: Buffer, index: number): number {
  const first = bytes[index]!;
  if (first < 0x80) return 1;
  const length = first >= 0xc2 && first <= 0xdf ? 2 : first >= 0xe0 && first <= 0xef ? 3 : first >= 0xf0 && first <= 0xf4 ? 4 : 0;
  if (length === 0 || index + length > bytes.length) return 0;
  try {
    strictUtf8.decode(bytes.subarray(index, index + length));
    return length;
  } catch {
    return 0;
  }
}
