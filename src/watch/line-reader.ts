import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** `-` is standard input; anything else a file. */
export const STDIN = '-';

/** Lines of a file or stream with their 1-based numbers; a final line without a newline counts too. */
export async function* readLines(source: string | Readable, label?: string): AsyncGenerator<{ text: string; line: number; path: string }> {
  const input = typeof source === 'string' ? (source === STDIN ? process.stdin : createReadStream(source)) : source;
  const path = label ?? (typeof source === 'string' ? (source === STDIN ? '<stdin>' : source) : '<stream>');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    yield { text, line, path };
  }
}
