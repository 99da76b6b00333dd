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

  it('calls a picture binary by its magic bytes, even when a text chunk fills most of its start (draw.io PNGs)', () => {
    const chunk = (type: string, data: Buffer): Buffer => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
    };
    const header = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const ihdr = chunk('IHDR', Buffer.from([0, 0, 4, 13, 0, 0, 1, 141, 8, 6, 0, 0, 0]));
    const text = chunk('tEXt', Buffer.from(`mxfile\0${encodeURIComponent('<mxfile><diagram name="gitops">'.repeat(200))}`, 'latin1'));
    expect(textEncoding(Buffer.concat([header, ihdr, text]))).toBe('binary');
    // the signature alone, with no NUL, is not enough to drop a text file
    expect(textEncoding(Buffer.from('%PDF is what this note is about\n'))).toBe('utf-8');
  });
});
