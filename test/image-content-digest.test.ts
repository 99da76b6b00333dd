import { createHash as realCreateHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlocklistScanner } from '../src/image/blocklist.js';
import type { ImageEntry } from '../src/image/squash.js';
import { FileDigestCollector } from '../src/image/tamper/file-digests.js';

const sha256Calls = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (original) => {
  const actual = await original<typeof import('node:crypto')>();
  return {
    ...actual,
    createHash: (algorithm: string) => {
      if (algorithm === 'sha256') sha256Calls.count += 1;
      return actual.createHash(algorithm);
    },
  };
});

afterEach(() => { sha256Calls.count = 0; });

function entry(path: string, size: number): ImageEntry {
  return { path, type: 'file', mode: 0o755, uid: 0, gid: 0, size, linkname: '', layer: 0 };
}

describe('one SHA-256 per layer file', () => {
  it('the blocklist and the tampering digests share the digest of the same file', () => {
    const content = Buffer.from('#!/bin/sh\necho planted\n');
    const digest = realCreateHash('sha256').update(content).digest('hex');
    const blocklist = new BlocklistScanner({ file: 'list.txt', digests: new Map([[digest, 'planted']]), fingerprint: 'f' });
    const digests = new FileDigestCollector();
    const file = entry('usr/bin/planted', content.length);
    expect(blocklist.wanted(file)).toBeGreaterThan(0);
    expect(digests.wanted(file)).toBeGreaterThan(0);
    sha256Calls.count = 0;
    digests.visit(file, content);
    blocklist.visit(file, content);
    expect(sha256Calls.count).toBe(1);
    expect(digests.get(0, 'usr/bin/planted')?.sha256).toBe(digest);
    expect(blocklist.hits).toEqual([{ path: 'usr/bin/planted', layer: 0, sha256: digest }]);
  });

  it('different files with the same bytes are each hashed to the right digest', () => {
    const digests = new FileDigestCollector();
    const first = Buffer.from('one');
    const second = Buffer.from('two');
    digests.visit(entry('usr/bin/a', 3), first);
    digests.visit(entry('usr/bin/b', 3), second);
    expect(digests.get(0, 'usr/bin/a')?.sha256).toBe(realCreateHash('sha256').update('one').digest('hex'));
    expect(digests.get(0, 'usr/bin/b')?.sha256).toBe(realCreateHash('sha256').update('two').digest('hex'));
  });
});
