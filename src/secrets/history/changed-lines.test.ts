import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../catalogue.js';
import { withCrc32Base62Suffix } from '../checksum.js';
import { ALNUM, SampleRandom } from '../random.js';
import { changedAsciiLines, changedLines } from './changed-lines.js';
import { changedRange, FirstHits, type BlobJob, type SearchedVersion } from './first-hits.js';

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
 * scalars, lines and blocks moved, removed, added back), searched where they changed and whole:
 * the first commit of every secret must be the same.
 */
describe('a history searched where each version changed', () => {
  const random = new SampleRandom('changed-lines-history');
  const samples = DETECTORS.flatMap((detector) => detector.samples.positives.slice(0, 1)).map((sample) => sample.replace(/ # expect:[^\n]*/g, ''));
  const github = (): string => `ghp_${withCrc32Base62Suffix(random.chars(ALNUM, 30))}`;
  const blockScalar = (): string[] => ['  password: |', `    ${random.chars(ALNUM, 24)}Q9!x`];
  const pemBlock = (): string[] => ['  tls.key: |', ...(samples.find((sample) => sample.includes('BEGIN RSA PRIVATE KEY')) ?? samples.find((sample) => sample.includes('PRIVATE KEY'))!).split('\n').map((line) => `    ${line}`)];
  const secretLines = (): string[] => {
    switch (random.int(5)) {
      case 0: return [`  token: ${github()}`];
      case 1: return blockScalar();
      case 2: return pemBlock();
      default: return samples[random.int(samples.length)]!.split('\n');
    }
  };

  function edit(lines: string[], removed: string[][]): string[] {
    const next = [...lines];
    const at = (): number => random.int(next.length + 1);
    switch (random.int(7)) {
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
      default: next[random.int(next.length)] = `  changed-${random.int(1000)}: ${random.chars(ALNUM, 8)}`;
    }
    return next;
  }

  it('finds the same first commits as searching every version whole', () => {
    const changed = new FirstHits();
    const whole = new FirstHits();
    const last = new Map<string, SearchedVersion>();
    const files = new Map<string, string[]>([
      ['apps/big/values.yaml', ['config:', ...filler(3000, 'big')]],
      ['apps/small/secret.yaml', ['apiVersion: v1', 'kind: Secret', 'stringData:', ...filler(40, 'small')]],
      ['apps/other/config.yaml', ['settings:', ...filler(800, 'other')]],
    ]);
    const removed: string[][] = [];
    let found = 0;
    for (let order = 0; order < 400; order += 1) {
      const path = [...files.keys()][random.int(files.size)]!;
      const lines = order < files.size ? files.get([...files.keys()][order]!)! : edit(files.get(path)!, removed);
      const written = order < files.size ? [...files.keys()][order]! : path;
      files.set(written, lines);
      const job: BlobJob = { path: written, order, sha: order.toString(16).padStart(40, '0'), author: 'Bob <bob@acme.test> 1700000000 +0000' };
      const body = Buffer.from(`${lines.join('\n')}\n`);
      last.set(written, changed.search(job, body, last.get(written)));
      whole.search(job, body);
      found = whole.values().length;
    }
    expect(found).toBeGreaterThan(50);
    expect(changed.values()).toEqual(whole.values());
  });
});
