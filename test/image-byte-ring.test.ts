import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByteRing } from '../src/image/byte-ring.js';
import { contentSha256 } from '../src/image/content-digest.js';
import { FileBody } from '../src/image/file-body.js';

describe('ByteRing', () => {
  it('hands out contiguous regions in order and reuses space only once every earlier region is free', () => {
    const ring = new ByteRing(100);
    const a = ring.allocate(40)!;
    const b = ring.allocate(40)!;
    expect([ring.offsetOf(a), ring.offsetOf(b)]).toEqual([0, 40]);
    expect(ring.allocate(30)).toBeUndefined(); // 20 left at the end, none before a
    ring.free(b); // freed out of order: a still holds the start
    expect(ring.allocate(30)).toBeUndefined();
    ring.free(a);
    const c = ring.allocate(30)!;
    expect(ring.offsetOf(c)).toBe(0);
  });

  it('wraps to the beginning when the end is too short, and fills only the gap before the oldest live region', () => {
    const ring = new ByteRing(100);
    const a = ring.allocate(50)!;
    const b = ring.allocate(30)!;
    ring.free(a);
    const c = ring.allocate(40)!; // 20 left at the end: wraps
    expect(ring.offsetOf(c)).toBe(0);
    expect(ring.allocate(11)).toBeUndefined(); // between 40 and b at 50 only 10 are free
    const d = ring.allocate(10)!;
    expect(ring.offsetOf(d)).toBe(40);
    ring.free(b);
    ring.free(c);
    ring.free(d);
    expect(ring.offsetOf(ring.allocate(100)!)).toBe(0);
  });

  it('refuses a region larger than the ring, and empty ones', () => {
    const ring = new ByteRing(10);
    expect(ring.allocate(11)).toBeUndefined();
    expect(ring.allocate(0)).toBeUndefined();
  });

  it('copies the slices of a file one after the other', () => {
    const ring = new ByteRing(16);
    const region = ring.allocate(6)!;
    ring.write(ring.offsetOf(region), [Buffer.from('abc'), Buffer.from('def')]);
    expect(Buffer.from(ring.buffer, ring.offsetOf(region), 6).toString()).toBe('abcdef');
  });
});

describe('FileBody', () => {
  const parts = [Buffer.from('hello '), Buffer.from('layer '), Buffer.from('world')];
  const whole = Buffer.concat(parts);

  it('joins its slices only when asked, and its head is a prefix of either form', () => {
    const body = new FileBody(parts, whole.length);
    expect(body.head(8).parts.map(String)).toEqual(['hello ', 'la']);
    expect(body.head(8).bytes.toString()).toBe('hello la');
    expect(body.bytes.equals(whole)).toBe(true);
    expect(body.head(100)).toBe(body);
  });

  it('joins borrowed slices (views of reused memory) into a copy a visitor may keep, even a single one', () => {
    const part = Buffer.from('in the ring');
    const body = new FileBody([part], part.length, true);
    expect(body.bytes.equals(part)).toBe(true);
    part.fill(0);
    expect(body.bytes.toString()).toBe('in the ring');
  });

  it('hashes the slices to the digest of the joined bytes, shared with contentSha256 of them', () => {
    const body = new FileBody(parts, whole.length);
    const digest = createHash('sha256').update(whole).digest('hex');
    expect(body.sha256()).toBe(digest);
    expect(contentSha256(body.bytes)).toBe(digest);
    expect(FileBody.of(whole).sha256()).toBe(digest);
  });
});
