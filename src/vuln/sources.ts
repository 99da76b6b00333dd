import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';

/** One file of advisory data: where it came from (for messages) and its bytes. */
export interface SourceDocument {
  readonly where: string;
  readonly format: 'json' | 'yaml';
  readonly content: Buffer;
}

/** Why a path given to `db import` cannot be read at all. */
import { SourceError } from './source-error.js';

export { SourceError };

/** A single OSV file is small; a larger one is refused rather than read into memory. */
const DOCUMENT_LIMIT = 32 * 1024 * 1024;

function formatOf(name: string): SourceDocument['format'] | undefined {
  if (/\.json$/i.test(name)) return 'json';
  if (/\.ya?ml$/i.test(name)) return 'yaml';
  return undefined;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** Every OSV document of a zip (OSV's per-ecosystem `all.zip`), one at a time. */
async function* zipDocuments(file: string, problems: string[]): AsyncGenerator<SourceDocument> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    throw new SourceError(`${file}: not a readable zip (${(error as Error).message})`);
  }
  const entries: yauzl.Entry[] = [];
  let done = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  zip.on('entry', (entry: yauzl.Entry) => {
    entries.push(entry);
    wake?.();
  });
  zip.on('end', () => {
    done = true;
    wake?.();
  });
  zip.on('error', (error: Error) => {
    failure = error;
    wake?.();
  });
  zip.readEntry();
  for (;;) {
    while (entries.length === 0 && !done && !failure) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw new SourceError(`${file}: ${failure.message}`);
    const entry = entries.shift();
    if (!entry) break;
    const format = formatOf(entry.fileName);
    if (format && !entry.fileName.endsWith('/')) {
      const where = `${file}:${entry.fileName}`;
      if (entry.uncompressedSize > DOCUMENT_LIMIT) problems.push(`${where}: over ${DOCUMENT_LIMIT / 1024 / 1024} MiB, not read`);
      else {
        try {
          yield { where, format, content: await readEntry(zip, entry) };
        } catch (error) {
          problems.push(`${where}: ${(error as Error).message}`);
        }
      }
    }
    if (done && entries.length === 0) break;
    zip.readEntry();
  }
}

/** Every .json/.yaml file below a directory, in a stable order; links are not followed. */
async function* directoryDocuments(directory: string, problems: string[]): AsyncGenerator<SourceDocument> {
  let names: string[];
  try {
    names = (await readdir(directory)).sort();
  } catch (error) {
    problems.push(`${directory}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return;
  }
  for (const name of names) {
    const full = path.join(directory, name);
    const info = await lstat(full);
    if (info.isDirectory()) yield* directoryDocuments(full, problems);
    else if (info.isFile() && /\.zip$/i.test(name)) yield* zipDocuments(full, problems);
    else if (info.isFile()) {
      const format = formatOf(name);
      if (!format) continue;
      if (info.size > DOCUMENT_LIMIT) problems.push(`${full}: over ${DOCUMENT_LIMIT / 1024 / 1024} MiB, not read`);
      else yield { where: full, format, content: await readFile(full) };
    }
  }
}

/** The documents of a path given to `db import`: a zip, a directory tree, or one JSON/YAML file. */
export async function* sourceDocuments(input: string, problems: string[]): AsyncGenerator<SourceDocument> {
  let info;
  try {
    info = await lstat(input);
  } catch (error) {
    throw new SourceError(`${input}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`);
  }
  if (info.isDirectory()) return yield* directoryDocuments(input, problems);
  if (!info.isFile()) throw new SourceError(`${input}: not a file or directory`);
  const head = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    createReadStream(input, { start: 0, end: 3 }).on('data', (chunk) => chunks.push(chunk as Buffer)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
  if ((head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) || /\.zip$/i.test(input)) return yield* zipDocuments(input, problems);
  const format = formatOf(input);
  if (!format) throw new SourceError(`${input}: not a zip, a directory, or a .json/.yaml OSV file`);
  if (info.size > DOCUMENT_LIMIT) throw new SourceError(`${input}: over ${DOCUMENT_LIMIT / 1024 / 1024} MiB`);
  yield { where: input, format, content: await readFile(input) };
}
