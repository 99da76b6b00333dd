import { stat, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RampartError } from '../errors.js';

/**
 * Writes a report to a file or to standard output. A regular file is replaced atomically (temporary
 * file, then rename); anything else (/dev/null, /dev/stdout, a pipe) is written in place, since
 * renaming over a device would replace the device itself.
 */
export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (!file) {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
    return;
  }
  const target = path.resolve(file);
  try {
    const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (existing && !existing.isFile()) {
      await writeFile(target, text);
      return;
    }
    const temporary = `${target}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, text);
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  } catch (error) {
    throw new RampartError('io-failed', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}
