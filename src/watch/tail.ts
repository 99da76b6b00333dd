import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 250;
const CHUNK = 1024 * 1024;

/**
 * Lines of a file as it grows, from its start, like `tail -F -n +1`: a file that shrinks (rotated
 * in place, truncated) is read again from its start. A partial last line waits for its newline.
 * Ends when `signal` aborts.
 */
export async function tailLines(file: string, onLine: (text: string, line: number) => void, signal: AbortSignal): Promise<void> {
  let offset = 0;
  let line = 0;
  let pending = '';
  let decoder = new StringDecoder('utf8');
  while (!signal.aborted) {
    const size = (await stat(file).catch(() => undefined))?.size;
    if (size !== undefined && size < offset) {
      offset = 0;
      line = 0;
      pending = '';
      decoder = new StringDecoder('utf8');
    }
    if (size !== undefined && size > offset) {
      const handle = await open(file, 'r');
      try {
        while (offset < size && !signal.aborted) {
          const buffer = Buffer.alloc(Math.min(CHUNK, size - offset));
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
          const lines = (pending + decoder.write(buffer.subarray(0, bytesRead))).split('\n');
          pending = lines.pop() ?? '';
          for (const text of lines) {
            line += 1;
            onLine(text.endsWith('\r') ? text.slice(0, -1) : text, line);
          }
        }
      } finally {
        await handle.close();
      }
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}
