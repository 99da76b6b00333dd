const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Base64 that decodes to UTF-8 text without NUL bytes; undefined for binary or non-base64 values. */
export function decodeBase64Text(raw: string): string | undefined {
  const compact = raw.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.includes(0)) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

