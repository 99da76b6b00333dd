import { describe, expect, it } from 'vitest';
import type { CommitHeader } from './commit-header.js';
import { RawLogParser, type ChangedBlob } from './raw-log.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

function parse(chunks: readonly string[]): Array<CommitHeader | ChangedBlob> {
  const events: Array<CommitHeader | ChangedBlob> = [];
  const parser = new RawLogParser({ commit: (header) => events.push(header), blob: (change) => events.push(change) });
  for (const chunk of chunks) parser.push(Buffer.from(chunk, 'utf8'));
  parser.end();
  return events;
}

describe('RawLogParser', () => {
  it('lists the blobs each commit wrote, with the blob they replaced', () => {
    const output = [
      `\x1e${'c'.repeat(40)}\x1fAlice <a@x.test>\x1f2025-01-02T03:04:05+00:00\n`,
      '\n',
      `:000000 100644 ${ZERO} ${A} A\tapps/new.yaml\n`,
      `:100644 100644 ${A} ${B} M\t"caf\\303\\251/a\\tb.yaml"\n`,
      `:100644 000000 ${B} ${ZERO} D\tgone.yaml\n`,
      `:160000 160000 ${A} ${B} M\tvendor/submodule\n`,
      `:100644 100755 ${A} ${A} M\tmode-only.sh`,
    ].join('');
    // split inside a line and inside a quoted path, as pipes do
    const cut = output.indexOf('caf') + 2;
    expect(parse([output.slice(0, cut), output.slice(cut)])).toEqual([
      { sha: 'c'.repeat(40), author: 'Alice <a@x.test>', date: '2025-01-02T03:04:05+00:00' },
      { path: 'apps/new.yaml', oldBlob: undefined, newBlob: A },
      { path: 'café/a\tb.yaml', oldBlob: A, newBlob: B },
    ]);
  });
});
