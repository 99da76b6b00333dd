import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RampartError } from '../errors.js';

/** Writes a report to a file (atomically) or to standard output. */
export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (!file) {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
    return;
  }
  const target = path.resolve(file);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, target);
  } catch (error) {
    throw new RampartError('io-failed', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}
