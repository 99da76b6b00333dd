import { describe, expect, it, vi } from 'vitest';
import { DETECTORS } from '../catalogue.js';
import { withCrc32Base62Suffix } from '../checksum.js';
import { ALNUM, SampleRandom } from '../random.js';
import { changedAsciiLines, changedLines } from './changed-lines.js';
import { changedRange, FirstHits, type BlobJob, type SearchedVersion } from './first-hits.js';
import type { ChangedRange } from '../scan-text.js';

const filler = (count: number, tag = 'x'): string[] => Array.from({ length: count }, (_, line) => `  setting-${tag}-${line}: value-${line % 97}`);

describe('changedLines', () => {
  it('keeps a short change whole', () => {
    expect(changedLines('a: 1\nb: 2\n', 'a: 1\nb: 3\n', { start: 8, end: 9 })).toEqual([{ start: 8, end: 9 }]);
  });

  it('finds the lines added among many unchanged ones, and where removed lines were', () => {
    const before = filler(400);
    const after = [...before];
    after.splice(100, 0, 'added: one');
    after.splice(300, 1);
    after.splice(350, 0, 'added: two');
    const text = `${after.join('\n')}\n`;
    const parts = changedLines(`${before.join('\n')}\n`, text, changedRange(`${before.join('\n')}\n`, text)!);
    const one = text.indexOf('added: one');
    const two = text.indexOf('added: two');
    const removedAt = text.indexOf(after[300]!);
    expect(parts).toEqual([{ start: one, end: one + 'added: one'.length }, { start: removedAt, end: removedAt }, { start: two, end: two + 'added: two'.length }]);
    // the same read as bytes
    expect(changedAsciiLines(Buffer.from(`${before.join('\n')}\n`), Buffer.from(text), changedRange(`${before.join('\n')}\n`, text)!)).toEqual(parts);
  });

  it('marks where a moved block now meets other lines', () => {
    const before = filler(300);
    const after = [...before.slice(0, 50), ...before.slice(200, 220), ...before.slice(50, 200), ...before.slice(220)];
    const text = `${after.join('\n')}\n`;
    const previous = `${before.join('\n')}\n`;
    const parts = changedLines(previous, text, changedRange(previous, text)!);
    const lineAt = (index: number): number => text.indexOf(`${after[index]}\n`);
    expect(parts.map((part) => part.start)).toEqual([lineAt(50), lineAt(70), lineAt(220)]);
    expect(changedAsciiLines(Buffer.from(previous), Buffer.from(text), changedRange(previous, text)!)).toEqual(parts);
  });
});

/**
 * Versions of a few files, each edited at random (secrets added inside large files and in block
 * scalars, lines and blocks moved, removed, added back, values under an unchanged key line
 * rotated), searched where they changed and whole: the first commit of every secret must be the same.
 */
function editedHistory(FirstHitsOf: typeof FirstHits, seed: string): { changed: ReturnType<FirstHits['values']>; whole: ReturnType<FirstHits['values']> } {
  const random = new SampleRandom(seed);
  const samples = DETECTORS.flatMap((detector) => detector.samples.positives.slice(0, 1)).map((sample) => sample.replace(/ # expect:[^\n]*/g, ''));
  const github = (): string => `ghp_${withCrc32Base62Suffix(random.chars(ALNUM, 30))}`;
  const blockScalar = (): string[] => ['  password: |', `    ${random.chars(ALNUM, 24)}Q9!x`];
  const pemBlock = (): string[] => ['  tls.key: |', ...(samples.find((sample) => sample.includes('BEGIN RSA PRIVATE KEY')) ?? samples.find((sample) => sample.includes('PRIVATE KEY'))!).split('\n').map((line) => `    ${line}`)];
  const url = (): string[] => [`  url: postgres://app-${random.int(100)}:${random.chars(ALNUM, 18)}@db.internal:5432/orders`];
  const secretLines = (): string[] => {
    switch (random.int(6)) {
      case 0: return [`  token: ${github()}`];
      case 1: return blockScalar();
      case 2: return pemBlock();
      case 3: return url();
      default: return samples[random.int(samples.length)]!.split('\n');
    }
  };

  function edit(lines: string[], removed: string[][]): string[] {
    const next = [...lines];
    const at = (): number => random.int(next.length + 1);
    switch (random.int(8)) {
      case 0:
      case 1: next.splice(at(), 0, ...secretLines()); break;
      case 2: {
        const from = random.int(next.length);
        removed.push(next.splice(from, 1 + random.int(12)));
        break;
      }
      case 3: {
        if (removed.length > 0) next.splice(at(), 0, ...removed[random.int(removed.length)]!);
        break;
      }
      case 4: {
        const from = random.int(next.length);
        const block = next.splice(from, 1 + random.int(30));
        next.splice(at(), 0, ...block);
        break;
      }
      case 5: {
        // a key line next to a value line that was elsewhere: a secret made of unchanged lines
        const value = next.findIndex((line) => /^ {4}\S/.test(line));
        if (value > 0) next.splice(value, 0, '  password: |');
        break;
      }
      case 6: {
        // a value rotated under a key line that stays: the keyword is on no changed line
        const values = next.flatMap((line, index) => (/^ {4}[A-Za-z0-9]{24}Q9!x$/.test(line) ? [index] : []));
        if (values.length > 0) next[values[random.int(values.length)]!] = `    ${random.chars(ALNUM, 24)}Q9!x`;
        break;
      }
      default: next[random.int(next.length)] = `  changed-${random.int(1000)}: ${random.chars(ALNUM, 8)}`;
    }
    return next;
  }

  const changed = new FirstHitsOf();
  const whole = new FirstHitsOf();
  const last = new Map<string, SearchedVersion>();
  const files = new Map<string, string[]>([
    ['apps/big/values.yaml', ['config:', ...filler(3000, 'big')]],
    ['apps/small/secret.yaml', ['apiVersion: v1', 'kind: Secret', 'stringData:', ...filler(40, 'small')]],
    ['apps/other/config.yaml', ['settings:', ...filler(800, 'other')]],
  ]);
  const removed: string[][] = [];
  for (let order = 0; order < 400; order += 1) {
    const path = [...files.keys()][random.int(files.size)]!;
    const lines = order < files.size ? files.get([...files.keys()][order]!)! : edit(files.get(path)!, removed);
    const written = order < files.size ? [...files.keys()][order]! : path;
    files.set(written, lines);
    const job: BlobJob = { path: written, order, sha: order.toString(16).padStart(40, '0'), author: 'Bob <bob@acme.test> 1700000000 +0000' };
    const body = Buffer.from(`${lines.join('\n')}\n`);
    last.set(written, changed.search(job, body, last.get(written)));
    whole.search(job, body);
  }
  return { changed: changed.values(), whole: whole.values() };
}

describe('a history searched where each version changed', () => {
  it('finds the same first commits as searching every version whole', () => {
    for (const seed of ['changed-lines-history', 'changed-lines-history-2']) {
      const { changed, whole } = editedHistory(FirstHits, seed);
      expect(whole.length).toBeGreaterThan(50);
      expect(changed).toEqual(whole);
    }
  });

  it('tells a wrong narrowing: each changed part cut to its first line', async () => {
    vi.resetModules();
    vi.doMock('./changed-lines.js', async (importOriginal) => {
      const real = await importOriginal<typeof import('./changed-lines.js')>();
      const firstLines = (text: string, parts: ChangedRange[]): ChangedRange[] => parts.map((part) => {
        const newline = text.indexOf('\n', part.start);
        return { start: part.start, end: newline === -1 ? part.end : Math.min(part.end, newline) };
      });
      return {
        changedLines: (...args: Parameters<typeof real.changedLines>) => firstLines(args[1], real.changedLines(...args)),
        changedAsciiLines: (...args: Parameters<typeof real.changedAsciiLines>) => firstLines(args[1].toString('latin1'), real.changedAsciiLines(...args)),
      };
    });
    try {
      const narrowed = await import('./first-hits.js');
      const differs = ['changed-lines-history', 'changed-lines-history-2'].filter((seed) => {
        const { changed, whole } = editedHistory(narrowed.FirstHits, seed);
        return JSON.stringify(changed) !== JSON.stringify(whole);
      });
      expect(differs.length).toBeGreaterThan(0);
    } finally {
      vi.doUnmock('./changed-lines.js');
      vi.resetModules();
    }
  });
});
