import * as crypto from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { replaceFile, writeChanges, writeFileAtomic, type FileChange } from './write-file.js';

vi.mock('node:crypto', async (original) => {
  const actual = await original<typeof import('node:crypto')>();
  return { ...actual, randomBytes: vi.fn(actual.randomBytes) };
});

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

describe('replaceFile', () => {
  it('never opens a name planted in advance: a link at the temporary name is left alone and another name is used', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'rampart-write-'));
    const victim = path.join(directory, 'victim');
    writeFileSync(victim, 'precious\n');
    // the first random name is known to the attacker, who plants a link there
    vi.mocked(crypto.randomBytes).mockImplementationOnce(((size: number) => Buffer.alloc(size)) as typeof crypto.randomBytes);
    const planted = path.join(directory, `.report.json.rampart-${process.pid}-000000000000.tmp`);
    symlinkSync(victim, planted);
    await replaceFile(path.join(directory, 'report.json'), '{}\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(planted).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(directory, 'report.json'), 'utf8')).toBe('{}\n');
    expect(readdirSync(directory).sort()).toEqual([path.basename(planted), 'report.json', 'victim']);
  });
});

describe('writeChanges', () => {
  it('never writes through a link that leads outside the tree (one changed after the tree was read), and writes the rest', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'rampart-write-'));
    const root = path.join(scratch, 'repo');
    const outside = path.join(scratch, 'outside.yaml');
    mkdirSync(path.join(root, 'apps'), { recursive: true });
    writeFileSync(outside, 'image: a\n');
    writeFileSync(path.join(root, 'apps', 'real.yaml'), 'image: a\n');
    symlinkSync(outside, path.join(root, 'apps', 'link.yaml'));
    symlinkSync(scratch, path.join(root, 'up'));
    const change = (file: string): FileChange => ({ path: file, before: 'image: a\n', after: 'image: b\n' });
    const outcome = await writeChanges(root, [change('apps/link.yaml'), change('apps/real.yaml'), change('up/outside.yaml'), change('apps/gone.yaml')]);
    expect(outcome.written).toEqual(['apps/real.yaml']);
    expect(outcome.failures).toEqual([
      { path: 'apps/link.yaml', reason: 'now a link that leads outside the tree; left unchanged' },
      { path: 'up/outside.yaml', reason: 'now a link that leads outside the tree; left unchanged' },
      { path: 'apps/gone.yaml', reason: 'no longer there; left unchanged' },
    ]);
    expect(readFileSync(outside, 'utf8')).toBe('image: a\n');
    expect(readFileSync(path.join(root, 'apps', 'real.yaml'), 'utf8')).toBe('image: b\n');
  });
});
