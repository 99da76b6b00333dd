import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { textEncoding } from './text-encoding.js';

describe('textEncoding', () => {
  it('reads a UTF-16 byte order mark, and keeps text that holds a stray NUL', () => {
    expect(textEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('key: value\n', 'utf16le')]))).toBe('utf-16le');
    expect(textEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('key: value\n', 'utf16le').swap16()]))).toBe('utf-16be');
    expect(textEncoding(Buffer.from(`a\0b\n${'plain text, café\n'.repeat(10)}`))).toBe('utf-8');
    expect(textEncoding(Buffer.from('no nul at all'))).toBe('utf-8');
  });

  it('calls compressed data, executables and UTF-16 without a mark binary', () => {
    const noise = Buffer.from(Array.from({ length: 6000 }, (_, index) => (index * 7919) % 256));
    expect(textEncoding(gzipSync(noise))).toBe('binary');
    expect(textEncoding(readFileSync(process.execPath).subarray(0, 8000))).toBe('binary');
    expect(textEncoding(Buffer.from('key: value\n'.repeat(20), 'utf16le'))).toBe('binary');
  });
});
