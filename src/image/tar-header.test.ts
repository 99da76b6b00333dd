import { describe, expect, it } from 'vitest';
import { BLOCK, parseHeader, TarFormatError } from './tar-header.js';

/** the parse as it was written first (views of the block, a regular expression per number): the reference */
function referenceText(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function referenceNumeric(block: Buffer, start: number, length: number): number | 'error' {
  const field = block.subarray(start, start + length);
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (let index = 1; index < field.length; index++) value = value * 256 + field[index]!;
    return Number.isSafeInteger(value) ? value : 'error';
  }
  const digits = referenceText(block, start, length).trim();
  if (digits === '') return 0;
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : 'error';
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** a numeric field as tar writers write it, or as a hostile or careless one might */
function numericField(next: () => number, length: number): Buffer {
  const field = Buffer.alloc(length);
  const roll = next();
  const digits = Math.floor(next() * 1e9).toString(8).slice(0, length - 1);
  if (roll < 0.4) field.write(`${digits.padStart(length - 1, '0')}\0`);
  else if (roll < 0.5) field.write(`  ${digits.slice(0, length - 4)} `);
  else if (roll < 0.55) field.write(`${digits.slice(0, length - 2)}\t`);
  else if (roll < 0.6) field.write(`1 2`);
  else if (roll < 0.65) field.write('\ufeff7');
  else if (roll < 0.7) field.write('789');
  else if (roll < 0.75) field.fill(0x20);
  else if (roll < 0.8) field[0] = 0x80 + Math.floor(next() * 4), field.fill(Math.floor(next() * 256), 1);
  else if (roll < 0.85) field.write(`0x12`);
  else field.write(digits.slice(0, length));
  return field;
}

function header(next: () => number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const names = ['usr/bin/ls', './etc/passwd', 'srv/app/dir3/file12.js', 'naïve/😀.txt', 'a'.repeat(100), 'x\0hidden'];
  block.write(names[Math.floor(next() * names.length)]!, 0, 100);
  for (const [start, length] of [[100, 8], [108, 8], [116, 8], [124, 12]] as const) numericField(next, length).copy(block, start);
  block[156] = '0125x'.charCodeAt(Math.floor(next() * 5));
  block.write(names[Math.floor(next() * names.length)]!, 157, 100);
  if (next() < 0.7) block.write('ustar\u000000', 257);
  if (next() < 0.3) block.write('srv/prefix/é', 345, 155);
  let sum = 0;
  for (let index = 0; index < BLOCK; index++) sum += index >= 148 && index < 156 ? 32 : block[index]!;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

describe('parseHeader', () => {
  it('reads names and numbers as the plain parse does, and refuses the same fields', () => {
    const next = seeded(7);
    for (let round = 0; round < 5000; round += 1) {
      const block = header(next);
      const numbers = [[100, 8], [108, 8], [116, 8], [124, 12]].map(([start, length]) => referenceNumeric(block, start!, length!));
      if (numbers.includes('error')) {
        expect(() => parseHeader(block, 0), `round ${round}`).toThrow(TarFormatError);
        continue;
      }
      const prefix = block.toString('latin1', 257, 262) === 'ustar' ? referenceText(block, 345, 155) : '';
      const name = referenceText(block, 0, 100);
      expect(parseHeader(block, 0), `round ${round}`).toEqual({
        name: prefix ? `${prefix}/${name}` : name,
        mode: numbers[0], uid: numbers[1], gid: numbers[2], size: numbers[3],
        typeflag: String.fromCharCode(block[156]!),
        linkname: referenceText(block, 157, 100),
      });
    }
  });
});
