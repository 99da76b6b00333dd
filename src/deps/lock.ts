import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { replaceFile } from '../fix/write-file.js';
import type { ResolvedReference } from './run-deps.js';
import { dependencyKey, type DependencySource, type ResolvedContent } from './types.js';

export const LOCK_FILE = 'rampart.lock';
const LOCK_VERSION = 1;

/** One dependency as `rampart.lock` records it. */
export interface LockEntry {
  readonly type: DependencySource['type'];
  /** chart repository, registry path or URL */
  readonly source: string;
  readonly chart?: string;
  readonly path?: string;
  readonly asked: string;
  readonly version?: string;
  readonly commit?: string;
  readonly digest?: string;
  readonly sha256?: string;
  readonly signer?: string;
  readonly cosignSigner?: string;
  readonly gitSigner?: string;
  /** `file:line` in the repository, with the chain for a dependency of a dependency */
  readonly referencedBy: readonly string[];
}

export interface Lock {
  readonly entries: ReadonlyMap<string, LockEntry>;
}

export function lockEntryKey(entry: LockEntry): string {
  return dependencyKey(sourceOf(entry));
}

function sourceOf(entry: LockEntry): DependencySource {
  switch (entry.type) {
    case 'helm':
    case 'helm-oci':
      return { type: entry.type, repository: entry.source, chart: entry.chart ?? '', asked: entry.asked };
    case 'git':
      return { type: 'git', url: entry.source, asked: entry.asked, ...(entry.path ? { subPath: entry.path } : {}) };
    case 'terraform': {
      const slash = entry.source.indexOf('/');
      return { type: 'terraform', host: entry.source.slice(0, slash), module: entry.source.slice(slash + 1), asked: entry.asked, ...(entry.path ? { subPath: entry.path } : {}) };
    }
    default:
      return { type: entry.type, url: entry.source, asked: entry.asked };
  }
}

/** The lock for a run: every dependency that was fetched, sorted, with where it is referenced. */
export function buildLock(references: readonly ResolvedReference[]): Lock {
  const entries = new Map<string, LockEntry & { referencedBy: string[] }>();
  for (const { reference, key, fetched } of references) {
    if (!fetched) continue;
    const site = `${reference.at.path}:${reference.line}${reference.chain.length > 1 ? ` (${reference.chain.slice(1).join(' → ')})` : ''}`;
    const existing = entries.get(key);
    if (existing) {
      if (!existing.referencedBy.includes(site)) existing.referencedBy.push(site);
      continue;
    }
    entries.set(key, { ...describeSource(fetched.source), ...contentFields(fetched.content), referencedBy: [site] });
  }
  for (const entry of entries.values()) entry.referencedBy.sort();
  return { entries: new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

function describeSource(source: DependencySource): Omit<LockEntry, 'referencedBy'> {
  switch (source.type) {
    case 'helm':
    case 'helm-oci':
      return { type: source.type, source: source.repository, chart: source.chart, asked: source.asked };
    case 'git':
      return { type: 'git', source: source.url, ...(source.subPath ? { path: source.subPath } : {}), asked: source.asked };
    case 'terraform':
      return { type: 'terraform', source: `${source.host}/${source.module}`, ...(source.subPath ? { path: source.subPath } : {}), asked: source.asked };
    default:
      return { type: source.type, source: source.url, asked: source.asked };
  }
}

function contentFields(content: ResolvedContent): ResolvedContent {
  return {
    ...(content.version !== undefined ? { version: content.version } : {}),
    ...(content.commit ? { commit: content.commit } : {}),
    ...(content.digest ? { digest: content.digest } : {}),
    ...(content.sha256 ? { sha256: content.sha256 } : {}),
    ...(content.signer ? { signer: content.signer } : {}),
    ...(content.cosignSigner ? { cosignSigner: content.cosignSigner } : {}),
    ...(content.gitSigner ? { gitSigner: content.gitSigner } : {}),
  };
}

/** The lock as text: stable key order, sorted entries, one field per line, so a diff reads well in review. */
export function serialiseLock(lock: Lock): string {
  const order: Array<keyof LockEntry> = ['type', 'source', 'chart', 'path', 'asked', 'version', 'commit', 'digest', 'sha256', 'signer', 'cosignSigner', 'gitSigner', 'referencedBy'];
  const dependencies = [...lock.entries.values()].map((entry) => Object.fromEntries(order.filter((field) => entry[field] !== undefined).map((field) => [field, entry[field]])));
  const header = '# rampart.lock: what each remote dependency resolved to. Written by `rampart deps lock`; checked by\n'
    + '# `rampart deps verify` and `rampart scan --deps --locked`. Review changes here like code.\n';
  return header + stringify({ version: LOCK_VERSION, dependencies }, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
}

export async function writeLock(file: string, lock: Lock): Promise<void> {
  await replaceFile(file, serialiseLock(lock));
}

/** Reads `rampart.lock`; undefined when there is none, a clear error when it is damaged. */
export async function readLock(file: string): Promise<Lock | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch {
    throw new Error(`${file}: not valid YAML; write it again with \`rampart deps lock\``);
  }
  const record = parsed as { version?: unknown; dependencies?: unknown } | null;
  if (record?.version !== LOCK_VERSION || !Array.isArray(record.dependencies)) {
    throw new Error(`${file}: not a rampart.lock of version ${LOCK_VERSION} (expected \`version: 1\` and a \`dependencies\` list)`);
  }
  const entries = new Map<string, LockEntry>();
  record.dependencies.forEach((item: unknown, index: number) => {
    const entry = item as Partial<LockEntry> | null;
    const types: ReadonlyArray<DependencySource['type']> = ['helm', 'helm-oci', 'git', 'file', 'oci', 'terraform'];
    if (!entry || typeof entry.source !== 'string' || typeof entry.asked !== 'string' || !types.includes(entry.type as DependencySource['type'])) {
      throw new Error(`${file}: dependencies[${index}] needs type (${types.join(', ')}), source and asked`);
    }
    const complete: LockEntry = { ...(entry as LockEntry), referencedBy: Array.isArray(entry.referencedBy) ? entry.referencedBy.map(String) : [] };
    entries.set(lockEntryKey(complete), complete);
  });
  return { entries };
}
