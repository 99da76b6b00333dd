import { parse } from 'yaml';
import { satisfiesConstraint } from '../model/semver-constraint.js';

export interface IndexEntry {
  readonly version: string;
  readonly urls: readonly string[];
  /** sha256 hex of the archive, when the index gives one */
  readonly digest?: string;
}

export type ChartIndex = ReadonlyMap<string, readonly IndexEntry[]>;

/** Reads a Helm repository `index.yaml`: chart name → its versions. */
export function parseChartIndex(text: string, what: string): ChartIndex {
  let parsed: unknown;
  try {
    parsed = parse(text, { maxAliasCount: 100, uniqueKeys: false });
  } catch (error) {
    throw new Error(`${what}: not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const entries = (parsed as { entries?: unknown } | null)?.entries;
  if (typeof entries !== 'object' || entries === null) throw new Error(`${what}: no \`entries\` map; not a Helm repository index`);
  const index = new Map<string, IndexEntry[]>();
  for (const [name, list] of Object.entries(entries as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    const versions: IndexEntry[] = [];
    for (const item of list as unknown[]) {
      const record = item as { version?: unknown; urls?: unknown; digest?: unknown } | null;
      if (typeof record?.version !== 'string' || !Array.isArray(record.urls)) continue;
      const urls = record.urls.filter((url): url is string => typeof url === 'string');
      const digest = typeof record.digest === 'string' && /^[0-9a-f]{64}$/i.test(record.digest) ? record.digest.toLowerCase() : undefined;
      versions.push({ version: record.version, urls, ...(digest ? { digest } : {}) });
    }
    index.set(name, versions);
  }
  return index;
}

/** The version `asked` names: itself when listed (with or without `v`), else the highest satisfying a range. */
export function chooseVersion(versions: readonly IndexEntry[], asked: string): IndexEntry | undefined {
  const wanted = asked.trim();
  const exact = versions.find((entry) => entry.version === wanted || entry.version.replace(/^v/, '') === wanted.replace(/^v/, ''));
  if (exact) return exact;
  const constraint = wanted === '' || wanted === 'latest' ? '*' : wanted;
  const allowPrerelease = /-/.test(constraint);
  const matching = versions.filter((entry) => (allowPrerelease || !entry.version.includes('-')) && satisfiesConstraint(entry.version, constraint) === true);
  return matching.sort((a, b) => compareVersions(b.version, a.version))[0];
}

function compareVersions(a: string, b: string): number {
  const parse = (version: string): number[] => version.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((part) => Number(part) || 0);
  const left = parse(a);
  const right = parse(b);
  for (let index = 0; index < 3; index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  const preA = a.includes('-') ? 1 : 0;
  const preB = b.includes('-') ? 1 : 0;
  return preB - preA || (a < b ? -1 : a > b ? 1 : 0);
}
