import { describe, expect, it } from 'vitest';
import { base62, bech32Encode, crc24, crc32, hasCrc32Base62Suffix, isValidBech32, withCrc32Base62Suffix } from './checksum.js';
import { Redactions, secretHash, secretPreview } from './redact.js';

describe('offline checksums', () => {
  it('computes CRC32 and base62 as GitHub and npm tokens use them', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(base62(61, 2)).toBe('0z');
    expect(base62(62, 1)).toBe('10');
    const token = withCrc32Base62Suffix('Hx7pQ2mLw9ZtR4sK8vNc3bYd6fJg1a');
    expect(token).toHaveLength(36);
    expect(hasCrc32Base62Suffix(token)).toBe(true);
    expect(hasCrc32Base62Suffix(`X${token.slice(1)}`)).toBe(false);
  });

  it('checks bech32 (age keys) and CRC24 (OpenPGP armor) against their specifications', () => {
    expect(isValidBech32('A12UEL5L')).toBe(true);
    expect(isValidBech32('abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw')).toBe(true);
    expect(isValidBech32('abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx')).toBe(false);
    expect(isValidBech32(bech32Encode('age-secret-key-', [1, 2, 3, 4, 5]))).toBe(true);
    expect(crc24(new Uint8Array())).toBe(0xb704ce);
  });
});

describe('redaction', () => {
  it('shows a short prefix and a hash, never the secret', () => {
    const secret = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcAbCdEf';
    expect(secretPreview(secret)).toBe('sk_live_');
    expect(secretHash(secret)).toMatch(/^[0-9a-f]{16}$/);
    const line = `key: ${secret} # and ${secret}`;
    const first = line.indexOf(secret);
    const second = line.lastIndexOf(secret);
    const redacted = new Redactions([{ start: first, end: first + secret.length, secret }, { start: second, end: second + secret.length, secret }]).slice(line, 0, line.length);
    expect(redacted).toBe('key: sk_live_…[redacted] # and sk_live_…[redacted]');
    expect(new Redactions([{ start: first, end: first + secret.length, secret }]).slice(line, 10, second)).toBe('[redacted] # and ');
  });

  it('redacts the rest of a token a match stopped short of, never shows it', () => {
    // a detector's length cap ends the match inside a longer base64 value
    const value = `${'Zm9vYmFyYmF6'.repeat(30)}Qk9PTQ==`;
    const line = `"token": "${value}",`;
    const start = line.indexOf(value);
    const secret = value.slice(0, 256);
    const shown = new Redactions([{ start, end: start + secret.length, secret }]).slice(line, 0, line.length);
    expect(shown).toBe('"token": "Zm9vYmFy…[redacted]",');
    expect(shown).not.toContain('Qk9PTQ');
  });
});
