import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { defaultCacheDirectory } from '../image/layer-cache.js';
import { packageKey } from './names.js';
import { compactOsvRecord, OsvFormatError, type OsvRecord } from './osv.js';
import { baseEcosystem } from './versions/index.js';
import { SourceError } from './source-error.js';

/**
 * The local vulnerability store: per OSV ecosystem, one NDJSON file of compacted records and an
 * index `package name → [offset, length]…` into it, plus `meta.json` with counts and dates.
 * A lookup reads the index once and then only the records of the packages asked about.
 */
export const STORE_FORMAT = 1;

export interface EcosystemStatus {
  readonly records: number;
  readonly withdrawn: number;
  /** the newest `modified` (or `published`, when later) of its records: how current the data is */
  readonly newestModified: string;
  readonly importedAt: string;
  /** the paths the records were imported from */
  readonly sources: readonly string[];
  /** full ecosystem strings seen (`Debian:12`, `Alpine:v3.20`): which releases have data */
  readonly releases: readonly string[];
}

interface StoreMeta {
  readonly format: number;
  readonly ecosystems: Record<string, EcosystemStatus>;
}

export function defaultDatabaseDirectory(): string {
  return path.join(defaultCacheDirectory(), 'vulndb');
}

function fileStem(ecosystem: string): string {
  return encodeURIComponent(ecosystem).replace(/%/g, '_');
}

async function readMeta(directory: string): Promise<StoreMeta | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(directory, 'meta.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const meta = JSON.parse(text) as StoreMeta;
  if (meta.format !== STORE_FORMAT) throw new DatabaseError(`${directory}: a vulnerability database of another format (${meta.format}); import the data again`);
  return meta;
}

export class DatabaseError extends Error {}

export interface ImportResult {
  readonly ecosystems: Record<string, EcosystemStatus>;
  /** documents that were not OSV records, each naming its file */
  readonly problems: readonly string[];
  readonly documents: number;
}

interface PendingEcosystem {
  readonly stem: string;
  readonly temporary: string;
  readonly out: WriteStream;
  offset: number;
  /** record id → where its line is, its modified time and the names it affects */
  readonly records: Map<string, { offset: number; length: number; modified: string; newest: string; names: string[]; withdrawn: boolean }>;
  readonly releases: Set<string>;
}

function parseDocument(content: Buffer, format: 'json' | 'yaml', parseYaml: typeof import('yaml').parse): unknown[] {
  // YAML's failsafe schema keeps every scalar a string: `fixed: 1.10` must not become the number 1.1
  const parsed: unknown = format === 'json' ? JSON.parse(content.toString('utf8')) : parseYaml(content.toString('utf8'), { schema: 'failsafe' });
  if (Array.isArray(parsed)) return parsed;
  if (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { vulns?: unknown }).vulns)) return (parsed as { vulns: unknown[] }).vulns;
  return [parsed];
}

function write(out: WriteStream, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(line)) resolve();
    else {
      out.once('drain', resolve);
      out.once('error', reject);
    }
  });
}

/**
 * Imports OSV records from zips, directory trees and files. Each ecosystem present in this import
 * replaces that ecosystem's earlier data whole (an OSV export is complete); others are kept. A
 * document that is not an OSV record is named in `problems` and the import goes on.
 */
export async function importDatabase(inputs: readonly string[], directory = defaultDatabaseDirectory(), onProblem?: (problem: string) => void): Promise<ImportResult> {
  await mkdir(directory, { recursive: true });
  const pending = new Map<string, PendingEcosystem>();
  const problems: string[] = [];
  const report = (problem: string): void => {
    problems.push(problem);
    onProblem?.(problem);
  };
  const token = randomBytes(6).toString('hex');
  let documents = 0;
  const sourcesOf = new Map<string, Set<string>>();
  // the readers (zip, directory trees) only for an import: a run that reads the store never needs them
  const { sourceDocuments } = await import('./sources.js');
  // YAML too: opening the store to match (every `rampart image` run) does not load the parser
  const { parse: parseYaml } = await import('yaml');
  try {
    for (const input of inputs) {
      const readProblems: string[] = [];
      for await (const document of sourceDocuments(input, readProblems)) {
        readProblems.splice(0).forEach(report);
        documents++;
        let records: OsvRecord[];
        try {
          records = parseDocument(document.content, document.format, parseYaml).map(compactOsvRecord);
        } catch (error) {
          const reason = error instanceof OsvFormatError ? error.message : error instanceof SyntaxError ? `not valid ${document.format.toUpperCase()}: ${error.message}` : (error as Error).message;
          report(`${document.where}: ${reason}`);
          continue;
        }
        for (const record of records) {
          const byEcosystem = new Map<string, OsvRecord['affected'][number][]>();
          for (const entry of record.affected) {
            const ecosystem = baseEcosystem(entry.package.ecosystem);
            byEcosystem.set(ecosystem, [...(byEcosystem.get(ecosystem) ?? []), entry]);
          }
          if (byEcosystem.size === 0) report(`${document.where}: ${record.id} names no package, nothing to match`);
          for (const [ecosystem, entries] of byEcosystem) {
            let target = pending.get(ecosystem);
            if (!target) {
              const stem = fileStem(ecosystem);
              const temporary = path.join(directory, `.${stem}.${token}.ndjson`);
              target = { stem, temporary, out: createWriteStream(temporary, { flags: 'wx' }), offset: 0, records: new Map(), releases: new Set() };
              pending.set(ecosystem, target);
            }
            const earlier = target.records.get(record.id);
            if (earlier && earlier.modified >= record.modified) continue;
            const line = `${JSON.stringify({ ...record, affected: entries })}\n`;
            const length = Buffer.byteLength(line);
            await write(target.out, line);
            target.records.set(record.id, {
              offset: target.offset,
              length,
              modified: record.modified,
              // some exports zero `modified` (0001-01-01): the publication date still dates the data
              newest: record.published && record.published > record.modified ? record.published : record.modified,
              names: [...new Set(entries.map((entry) => packageKey(ecosystem, entry.package.name)))],
              withdrawn: record.withdrawn !== undefined,
            });
            target.offset += length;
            for (const entry of entries) target.releases.add(entry.package.ecosystem);
            sourcesOf.set(ecosystem, (sourcesOf.get(ecosystem) ?? new Set()).add(path.resolve(input)));
          }
        }
      }
      readProblems.forEach(report);
    }
    const before = (await readMeta(directory))?.ecosystems ?? {};
    const imported: Record<string, EcosystemStatus> = {};
    const importedAt = new Date().toISOString();
    for (const [ecosystem, target] of pending) {
      await new Promise<void>((resolve, reject) => target.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      const index: Record<string, Array<[number, number]>> = {};
      let newest = '';
      let withdrawn = 0;
      for (const record of target.records.values()) {
        for (const name of record.names) (index[name] ??= []).push([record.offset, record.length]);
        if (record.newest > newest) newest = record.newest;
        if (record.withdrawn) withdrawn++;
      }
      const indexTemporary = path.join(directory, `.${target.stem}.${token}.index.json`);
      await writeFileAtomic(indexTemporary, JSON.stringify(index));
      await rename(target.temporary, path.join(directory, `${target.stem}.ndjson`));
      await rename(indexTemporary, path.join(directory, `${target.stem}.index.json`));
      imported[ecosystem] = {
        records: target.records.size,
        withdrawn,
        newestModified: newest,
        importedAt,
        sources: [...(sourcesOf.get(ecosystem) ?? [])],
        releases: [...target.releases].sort(),
      };
    }
    const meta: StoreMeta = { format: STORE_FORMAT, ecosystems: { ...before, ...imported } };
    const metaTemporary = path.join(directory, `.meta.${token}.json`);
    await writeFileAtomic(metaTemporary, `${JSON.stringify(meta, null, 2)}\n`);
    await rename(metaTemporary, path.join(directory, 'meta.json'));
    return { ecosystems: imported, problems, documents };
  } finally {
    for (const target of pending.values()) {
      target.out.destroy();
      await rm(target.temporary, { force: true });
      await rm(path.join(directory, `.${target.stem}.${token}.index.json`), { force: true });
    }
  }
}

async function writeFileAtomic(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

/** An imported store, opened for lookups. */
export class VulnerabilityDatabase {
  private readonly indexes = new Map<string, Promise<Record<string, Array<[number, number]>>>>();
  private readonly handles = new Map<string, Promise<FileHandle>>();

  private constructor(readonly directory: string, readonly ecosystems: Readonly<Record<string, EcosystemStatus>>) {}

  /** The store in `directory`; undefined when nothing was ever imported there. */
  static async open(directory = defaultDatabaseDirectory()): Promise<VulnerabilityDatabase | undefined> {
    const meta = await readMeta(directory);
    if (!meta || Object.keys(meta.ecosystems).length === 0) return undefined;
    return new VulnerabilityDatabase(directory, meta.ecosystems);
  }

  has(ecosystem: string): boolean {
    return this.ecosystems[ecosystem] !== undefined;
  }

  private index(ecosystem: string): Promise<Record<string, Array<[number, number]>>> {
    let index = this.indexes.get(ecosystem);
    if (!index) {
      const file = path.join(this.directory, `${fileStem(ecosystem)}.index.json`);
      index = readFile(file, 'utf8').then((text) => JSON.parse(text) as Record<string, Array<[number, number]>>);
      this.indexes.set(ecosystem, index);
    }
    return index;
  }

  private handle(ecosystem: string): Promise<FileHandle> {
    let handle = this.handles.get(ecosystem);
    if (!handle) {
      handle = open(path.join(this.directory, `${fileStem(ecosystem)}.ndjson`), 'r');
      this.handles.set(ecosystem, handle);
    }
    return handle;
  }

  /** The records that name `name` in `ecosystem` (base name: `Debian`, not `Debian:12`). */
  async recordsFor(ecosystem: string, name: string): Promise<OsvRecord[]> {
    if (!this.has(ecosystem)) return [];
    const spans = (await this.index(ecosystem))[packageKey(ecosystem, name)];
    if (!spans || !Object.hasOwn(await this.index(ecosystem), packageKey(ecosystem, name))) return [];
    const handle = await this.handle(ecosystem);
    return Promise.all(spans.map(async ([offset, length]) => {
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, offset);
      return JSON.parse(buffer.toString('utf8')) as OsvRecord;
    }));
  }

  async close(): Promise<void> {
    for (const handle of this.handles.values()) await (await handle).close();
    this.handles.clear();
  }
}

export { SourceError };
