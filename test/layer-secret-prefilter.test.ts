import { describe, expect, it } from 'vitest';
import { withCrc32Base62Suffix } from '../src/secrets/checksum.js';
import { LayerSecretScanner, SECRET_WORKER } from '../src/image/layer-secret-scanner.js';
import { secretsInFile } from '../src/image/layer-secrets.js';
import { SecretScanPool } from '../src/image/secret-scan-pool.js';
import type { ImageEntry } from '../src/image/squash.js';
import { KeywordAutomaton } from '../src/secrets/keyword-automaton.js';
import { findSecrets, mayHoldSecrets } from '../src/secrets/scan-text.js';
import { labelledSet } from './helpers/labelled-secrets.js';
import { FileBody } from '../src/image/file-body.js';

describe('the byte-level keyword pass before a layer file is decoded', () => {
  it('finds a keyword in bytes wherever the text scan does, across non-ASCII bytes and in any case', () => {
    const automaton = new KeywordAutomaton(['ghp_', 'token']);
    expect(automaton.occursIn(Buffer.from('x GHP_abc'))).toBe(true);
    expect(automaton.occursIn(Buffer.from('Ümlaut tokeN'))).toBe(true);
    expect(automaton.occursIn(Buffer.from('tok\u00e9n gh p_'))).toBe(false);
    expect(automaton.occursIn(new Uint8Array(0))).toBe(false);
  });

  it('finds a keyword at every offset of a long text, across the boundaries of the interleaved walks', () => {
    const automaton = new KeywordAutomaton(['ghp_', 'token', 'secretaccesskey']);
    for (const length of [7, 64, 257, 1000, 4099]) {
      for (const keyword of ['TOKEN', 'secretAccessKey']) {
        for (let at = 0; at + keyword.length <= length; at += 1) {
          const bytes = Buffer.alloc(length, 'x');
          bytes.write(keyword, at, 'latin1');
          expect(automaton.occursIn(bytes), `${keyword} at ${at} of ${length}`).toBe(true);
        }
      }
      expect(automaton.occursIn(Buffer.alloc(length, 'x'))).toBe(false);
      expect(automaton.occursIn(Buffer.from('tokeé'.repeat(length)))).toBe(false);
    }
  });

  it('never passes over a file in which the secrets engine finds a credential (every labelled sample)', () => {
    const set = labelledSet();
    let withSecrets = 0;
    for (const file of set.files) {
      if (findSecrets(file.text, file.path).length === 0) continue;
      withSecrets += 1;
      expect(mayHoldSecrets(Buffer.from(file.text)), file.path).toBe(true);
      expect(secretsInFile(file.path, 0, Buffer.from(file.text)).length, file.path).toBeGreaterThan(0);
    }
    expect(withSecrets).toBeGreaterThan(300);
  });

  it('passes over text without any keyword, and still reads UTF-16 files', () => {
    const plain = Buffer.from('alpha42 config7 server\nvalue listen return\n'.repeat(1000));
    expect(mayHoldSecrets(plain)).toBe(false);
    expect(secretsInFile('srv/a.txt', 0, plain)).toEqual([]);
    const key = `ghp_${withCrc32Base62Suffix('a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5')}`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`token: ${key}\n`, 'utf16le')]);
    expect(secretsInFile('srv/b.txt', 0, utf16).length).toBeGreaterThan(0);
  });

  it('sends a worker only the files that hold a keyword, read from their slices: text without one starts no thread', async () => {
    const entry = (path: string, size: number): ImageEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size, linkname: '', layer: 0 });
    const scanner = new LayerSecretScanner({ workers: 1, inThreadBytes: 0 });
    try {
      const plain = Buffer.from('alpha42 config7 server\nvalue listen return\n'.repeat(20_000));
      // the stream's slices, cut inside the words: no keyword is made of two words' halves
      const slices = [plain.subarray(0, 100_003), plain.subarray(100_003, 500_001), plain.subarray(500_001)];
      for (let file = 0; file < 20; file += 1) await scanner.visitBody(entry(`srv/plain${file}.txt`, plain.length), new FileBody(slices, plain.length));
      await scanner.endLayer();
      expect(SecretScanPool.threads(SECRET_WORKER)).toBe(0);
      const key = `ghp_${withCrc32Base62Suffix('a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5')}`;
      const text = Buffer.from(`${'alpha42 config7\n'.repeat(50_000)}TOKEN=${key}\n`);
      const cut = text.length - key.length - 3; // the keyword and the key across two slices
      await scanner.visitBody(entry('srv/leak.txt', text.length), new FileBody([text.subarray(0, cut), text.subarray(cut)], text.length));
      await scanner.endLayer();
      expect(SecretScanPool.threads(SECRET_WORKER)).toBe(1);
      expect((await scanner.secrets()).map((secret) => `${secret.path}:${secret.line}`)).toEqual(['srv/leak.txt:50001']);
    } finally {
      scanner.close();
    }
  });
});
