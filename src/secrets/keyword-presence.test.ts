import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KeywordAutomaton } from './keyword-automaton.js';
import { KEYWORD_PRESENCE_CHUNK, KEYWORD_PRESENCE_WASM, releaseWalkableRing, walkableRing } from './keyword-presence.js';

const hasWat2wasm = spawnSync('wat2wasm', ['--version']).status === 0;
const source = fileURLToPath(new URL('./keyword-presence.wat', import.meta.url));

/** what occursIn must answer: a plain search of the lower-cased text */
const naive = (keywords: readonly string[], bytes: Buffer): boolean => {
  const text = bytes.toString('latin1').toLowerCase();
  return keywords.some((keyword) => text.includes(keyword));
};

/** `bytes` in parts of `size` bytes, the last one shorter */
const slices = (bytes: Buffer, size: number): Buffer[] => Array.from({ length: Math.ceil(bytes.length / size) }, (_, index) => bytes.subarray(index * size, (index + 1) * size));

describe('keyword presence in WebAssembly', () => {
  it.skipIf(!hasWat2wasm)('embeds the module its WAT source compiles to (wat2wasm, Debian wabt)', () => {
    expect(execFileSync('wat2wasm', ['--enable-threads', source, '--output=-']).toString('base64')).toBe(KEYWORD_PRESENCE_WASM);
  });

  it('finds a keyword cut by a chunk or quarter boundary, in a text of several chunks', () => {
    const keywords = ['ghp_', 'secretaccesskey', '-----begin rsa private key-----'];
    const automaton = new KeywordAutomaton(keywords);
    const overlap = keywords.reduce((longest, keyword) => Math.max(longest, keyword.length), 0) - 1;
    for (const length of [KEYWORD_PRESENCE_CHUNK - 1, KEYWORD_PRESENCE_CHUNK, KEYWORD_PRESENCE_CHUNK + 3, 2 * KEYWORD_PRESENCE_CHUNK + 777]) {
      const boundaries = new Set<number>();
      for (let chunkStart = 0; chunkStart < length; chunkStart += KEYWORD_PRESENCE_CHUNK - overlap) {
        const chunkLength = Math.min(KEYWORD_PRESENCE_CHUNK, length - chunkStart);
        for (let quarter = 0; quarter <= 4; quarter += 1) boundaries.add(chunkStart + quarter * (chunkLength >> 2));
        boundaries.add(chunkStart + chunkLength);
      }
      const empty = Buffer.alloc(length, 'x');
      expect(automaton.occursIn(empty)).toBe(false);
      expect(automaton.occursIn(slices(empty, 4099))).toBe(false);
      for (const keyword of ['GHP_', 'secretAccessKey', '-----BEGIN RSA PRIVATE KEY-----']) {
        for (const boundary of boundaries) {
          for (let at = boundary - keyword.length - 1; at <= boundary + 1; at += 1) {
            if (at < 0 || at + keyword.length > length) continue;
            const bytes = Buffer.from(empty);
            bytes.write(keyword, at, 'latin1');
            expect(automaton.occursIn(bytes), `${keyword} at ${at} of ${length}`).toBe(true);
            // the same bytes as the slices of a stream: cut at the keyword, and in odd-sized parts
            expect(automaton.occursIn([bytes.subarray(0, at + 2), bytes.subarray(at + 2)]), `${keyword} at ${at} of ${length}, in two parts`).toBe(true);
            if (at % 7 === 0) expect(automaton.occursIn(slices(bytes, 4099)), `${keyword} at ${at} of ${length}, in slices`).toBe(true);
          }
        }
      }
    }
  });

  it('answers as a plain search does on random text over the keywords’ own letters', () => {
    const keywords = ['token', 'ken', 'api_key', 'ghp_', 'q~', '==', '://', 'xoxb-', 'sk_live'];
    const automaton = new KeywordAutomaton(keywords);
    const alphabet = 'tokenapi_yghpq~=:/xbsliv- \nTOKEN\u00e9';
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % below;
    };
    let found = 0;
    for (let round = 0; round < 400; round += 1) {
      const length = random(3) === 0 ? random(3000) : random(40);
      const bytes = Buffer.from(Array.from({ length }, () => alphabet[random(alphabet.length)]!).join(''));
      const expected = naive(keywords, bytes);
      if (expected) found += 1;
      expect(automaton.occursIn(bytes), bytes.toString()).toBe(expected);
      expect(automaton.occursIn(slices(bytes, 1 + random(5))), `${bytes.toString()} in slices`).toBe(expected);
    }
    expect(found).toBeGreaterThan(50);
    expect(found).toBeLessThan(400);
  });

  it('walks a table too wide for its byte columns in JavaScript, with the same answers', () => {
    const printable = Array.from({ length: 126 - 33 }, (_, index) => String.fromCharCode(33 + index)).filter((char) => char < 'A' || char > 'Z');
    const keywords = printable.map((char, index) => `${char}${printable[(index + 1) % printable.length]}`);
    const automaton = new KeywordAutomaton(keywords);
    for (const text of ['!"', 'a b c', '~!', 'zz', 'Z{']) {
      expect(automaton.occursIn(Buffer.from(text)), text).toBe(naive(keywords, Buffer.from(text)));
      expect(automaton.occursIn(slices(Buffer.from(text), 1)), `${text} in slices`).toBe(naive(keywords, Buffer.from(text)));
    }
  });

  it('walks bytes in a ring memory where they are, a keyword across the ring\'s end or between parts included', () => {
    const keywords = ['ghp_', 'secretaccesskey', 'q~'];
    const automaton = new KeywordAutomaton(keywords);
    const ringBytes = 1024 * 1024;
    const { buffer, offset } = walkableRing(ringBytes);
    const ring = Buffer.from(buffer, offset, ringBytes);
    try {
      // a file that wraps: its first part at the ring's end, the rest at its start
      const fileLength = 300_000;
      const tail = 1000;
      for (const keyword of ['GHP_', 'secretAccessKey', 'Q~']) {
        for (const at of [0, 5, tail - keyword.length - 1, tail - keyword.length, tail - 3, tail - 1, tail, tail + 7, 150_000, fileLength - keyword.length]) {
          if (at < 0 || at + keyword.length > fileLength) continue;
          ring.fill('x');
          const file = Buffer.alloc(fileLength, 'x');
          file.write(keyword, at, 'latin1');
          file.copy(ring, ringBytes - tail, 0, tail);
          file.copy(ring, 0, tail);
          const parts = [ring.subarray(ringBytes - tail), ring.subarray(0, 200_000), ring.subarray(200_000, fileLength - tail)];
          expect(automaton.occursIn(parts), `${keyword} at ${at}`).toBe(true);
          // the same in parts of a few bytes each around the ring's end
          const fine = [ring.subarray(ringBytes - tail, ringBytes - 2), ring.subarray(ringBytes - 2, ringBytes - 1), ring.subarray(ringBytes - 1), ring.subarray(0, 1), ring.subarray(1, fileLength - tail)];
          expect(automaton.occursIn(fine), `${keyword} at ${at}, in fine parts`).toBe(true);
        }
      }
      ring.fill('x');
      expect(automaton.occursIn([ring.subarray(ringBytes - tail), ring.subarray(0, 5000)])).toBe(false);
      // a keyword made of the end of one stretch and the start of one that does not follow it in the ring: found as the file holds it
      ring.write('secretacc', 100, 'latin1');
      ring.write('esskey', 900_000, 'latin1');
      expect(automaton.occursIn([ring.subarray(0, 109), ring.subarray(900_000, 900_100)])).toBe(true);
      expect(automaton.occursIn([ring.subarray(0, 109), ring.subarray(900_001, 900_100)])).toBe(false);
      // another automaton does not take over the table this one keeps in the ring's memory: its bytes are copied
      const other = new KeywordAutomaton(['esskey']);
      expect(other.occursIn([ring.subarray(900_000, 900_100)])).toBe(true);
      expect(automaton.occursIn([ring.subarray(0, 109), ring.subarray(900_000, 900_100)])).toBe(true);
    } finally {
      releaseWalkableRing(buffer);
    }
  });
});
