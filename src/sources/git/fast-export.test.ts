import { describe, expect, it } from 'vitest';
import { commitHeader, FastExportParser } from './fast-export.js';

const STREAM = [
  'blob', 'mark :1', 'original-oid 1111111111111111111111111111111111111111', 'data 12', 'token: abc\n', '',
  'blob', 'mark :2', 'data 0', '',
  'blob', 'mark :3', 'data 40', 'x'.repeat(39), '',
  'reset refs/heads/main',
  'commit refs/heads/main', 'mark :4', 'original-oid 2222222222222222222222222222222222222222',
  'author Ada Lovelace <ada@example.test> 1700000000 -0230', 'committer C <c@example.test> 1700000000 +0000',
  // a commit message has no newline of its own before the next command
  'data 7', 'messageM 100644 :1 "caf\\303\\251 dir/a b.yaml"',
  'M 100644 :2 empty.txt', 'M 160000 3333333333333333333333333333333333333333 vendor/lib', 'D old.yaml', '',
  'tag v1', 'from :4', 'tagger T <t@example.test> 1700000000 +0000', 'data 3', 'v1', '',
].join('\n');

function parse(chunks: readonly Buffer[]): string[] {
  const events: string[] = [];
  const parser = new FastExportParser({
    blob: (mark, body) => events.push(`blob ${mark} ${body === undefined ? 'oversize' : JSON.stringify(body.toString())}`),
    commit: (sha, author) => events.push(`commit ${sha} ${author}`),
    file: (blob, mode, path) => events.push(`file ${blob} ${mode} ${path}`),
  }, 20);
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

describe('FastExportParser', () => {
  it('reads blobs by byte count, commits and the files they write, wherever the chunks split', () => {
    const bytes = Buffer.from(STREAM);
    const whole = parse([bytes]);
    expect(whole).toEqual([
      'blob :1 "token: abc\\n\\n"',
      'blob :2 ""',
      'blob :3 oversize',
      'commit 2222222222222222222222222222222222222222 Ada Lovelace <ada@example.test> 1700000000 -0230',
      'file :1 100644 café dir/a b.yaml',
      'file :2 100644 empty.txt',
      'file 3333333333333333333333333333333333333333 160000 vendor/lib',
    ]);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)]), `split at ${cut}`).toEqual(whole);
    }
  });

  it('fails clearly when the stream ends inside a body', () => {
    const parser = new FastExportParser({ blob: () => undefined, commit: () => undefined, file: () => undefined }, 100);
    parser.push(Buffer.from('blob\nmark :1\ndata 10\nabc'));
    expect(() => parser.end()).toThrow(/cut short/);
  });

  it('turns an author line into what git log prints', () => {
    expect(commitHeader('abc', 'Ada <ada@example.test> 1700000000 -0230')).toEqual({ sha: 'abc', author: 'Ada <ada@example.test>', date: '2023-11-14T19:43:20-02:30' });
    expect(commitHeader('abc', 'Bob <b@example.test> 0 +0100')).toEqual({ sha: 'abc', author: 'Bob <b@example.test>', date: '1970-01-01T01:00:00+01:00' });
  });
});
