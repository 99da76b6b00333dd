import { lstatSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file.js';

describe('writeFileAtomic', () => {
  it('replaces the target of a symbolic link and keeps the link', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'rampart-write-'));
    const target = path.join(directory, 'real.yaml');
    const link = path.join(directory, 'link.yaml');
    writeFileSync(target, 'image: a\n');
    symlinkSync(target, link);
    expect(await writeFileAtomic(link, 'image: b\n', 'image: a\n')).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('image: b\n');
  });

  it('writes nothing when the text is unchanged', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'rampart-write-'));
    const file = path.join(directory, 'a.yaml');
    writeFileSync(file, 'x\n');
    expect(await writeFileAtomic(file, 'x\n', 'x\n')).toBe(false);
  });
});
