import { append } from '../append.js';
import type { Inventory } from '../image/catalog/collect.js';
import { evaluateAffected } from './affected.js';
import { packageKey } from './names.js';
import type { OsvRecord } from './osv.js';
import { appliesTo, isQueriedRelease, queryFor, type PackageQuery } from './query.js';
import type { RatedSeverity } from './severity.js';
import type { VulnerabilityDatabase } from './store.js';
import { versionOrderFor } from './versions/index.js';

export type InventoryPackage = Inventory['packages'][number];

let severity: Promise<typeof import('./severity.js')> | undefined;
/** the CVSS scoring (ae-cvss-calculator, costly to load) only once a package is found affected */
function severityRating(): Promise<typeof import('./severity.js')> {
  severity ??= import('./severity.js');
  return severity;
}

export interface VulnerabilityMatch {
  readonly package: InventoryPackage;
  readonly query: PackageQuery;
  readonly id: string;
  /** other ids of the same flaw: CVE, GHSA, and merged records' ids */
  readonly aliases: readonly string[];
  readonly summary?: string;
  readonly severity: RatedSeverity;
  readonly fixed?: string;
  readonly lastAffected?: string;
  readonly modified: string;
}

/** Packages that were not checked, grouped by ecosystem and reason: never reported as clean. */
export interface UncheckedGroup {
  readonly label: string;
  readonly reason: string;
  readonly packages: readonly string[];
}

export interface MatchResult {
  readonly matches: readonly VulnerabilityMatch[];
  readonly unchecked: readonly UncheckedGroup[];
  /** how many packages were compared against advisories */
  readonly checked: number;
  /** store ecosystems the check relied on (for the age gate) */
  readonly ecosystemsUsed: readonly string[];
  /** advisories that name a package but could not be evaluated for its version */
  readonly unevaluated: ReadonlyArray<{ readonly package: string; readonly id: string; readonly reason: string }>;
}

/** Ids from the ecosystem's own database first, then GitHub's, then CVEs, as osv-scanner prefers them. */
function idRank(id: string): number {
  if (/^(DEBIAN|DSA|DLA|DTSA|UBUNTU|USN|ALPINE|ALSA|ALBA|ALEA|RLSA|RXSA|GO|PYSEC|RUSTSEC|MAL)-/.test(id)) return 0;
  if (id.startsWith('GHSA-')) return 1;
  if (id.startsWith('CVE-')) return 2;
  return 3;
}

/** One flaw often has several records (CVE-x and DEBIAN-CVE-x, GHSA and PYSEC): keep one, with every id as an alias. */
function mergeAliased(matches: VulnerabilityMatch[]): VulnerabilityMatch[] {
  const groups: Array<{ ids: Set<string>; members: VulnerabilityMatch[] }> = [];
  for (const match of matches) {
    const ids = new Set([match.id, ...match.aliases]);
    const overlapping = groups.filter((group) => [...ids].some((id) => group.ids.has(id)));
    const merged = { ids, members: [match] };
    for (const group of overlapping) {
      group.ids.forEach((id) => merged.ids.add(id));
      append(merged.members, group.members);
      groups.splice(groups.indexOf(group), 1);
    }
    groups.push(merged);
  }
  return groups.map(({ ids, members }) => {
    const chosen = [...members].sort((a, b) => idRank(a.id) - idRank(b.id) || a.id.localeCompare(b.id))[0]!;
    const rated = members.filter((member) => member.severity.score !== undefined).sort((a, b) => (b.severity.score ?? 0) - (a.severity.score ?? 0))[0];
    const fixed = members.find((member) => member.fixed)?.fixed;
    return {
      ...chosen,
      aliases: [...ids].filter((id) => id !== chosen.id).sort((a, b) => idRank(b) - idRank(a) || a.localeCompare(b)),
      severity: chosen.severity.score === undefined && rated ? rated.severity : chosen.severity,
      ...(chosen.fixed === undefined && fixed ? { fixed } : {}),
    };
  });
}

/**
 * Labels (`Debian:12`, `npm`, `PyPI`) in the order localeCompare gives them, without its collator:
 * setting that up, on the first call in a process, costs about 13 ms of CPU, more than matching
 * 1,300 packages with no database takes, in a run the result cache answers.
 */
function byLabel(a: UncheckedGroup, b: UncheckedGroup): number {
  const [x, y] = [a.label.toLowerCase(), b.label.toLowerCase()];
  if (x !== y) return x < y ? -1 : 1;
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

function isWithdrawn(record: OsvRecord, now: number): boolean {
  if (!record.withdrawn) return false;
  const at = Date.parse(record.withdrawn);
  return Number.isNaN(at) || at <= now;
}

/**
 * Compares every package of an inventory with the advisories in the database. Packages of an
 * ecosystem (or distro release) with no data, or whose version the ecosystem's ordering cannot
 * place, are returned as unchecked — never as "no vulnerabilities".
 */
export async function matchInventory(inventory: Inventory, database: VulnerabilityDatabase | undefined, now = Date.now()): Promise<MatchResult> {
  const unchecked = new Map<string, { label: string; reason: string; packages: string[] }>();
  const skip = (label: string, reason: string, pkg: InventoryPackage): void => {
    const key = `${label}\0${reason}`;
    const group = unchecked.get(key) ?? { label, reason, packages: [] };
    group.packages.push(`${pkg.name}@${pkg.version}`);
    unchecked.set(key, group);
  };
  const cache = new Map<string, Promise<OsvRecord[]>>();
  const recordsFor = (ecosystem: string, name: string): Promise<OsvRecord[]> => {
    const key = `${ecosystem}\0${name}`;
    let records = cache.get(key);
    if (!records) {
      records = database!.recordsFor(ecosystem, name);
      cache.set(key, records);
    }
    return records;
  };
  const matches: VulnerabilityMatch[] = [];
  const unevaluated: Array<{ package: string; id: string; reason: string }> = [];
  const used = new Set<string>();
  let checked = 0;
  // which packages to look up is decided without waiting (no promise per package: an image has thousands)
  const lookups: Array<{ readonly pkg: InventoryPackage; readonly query: PackageQuery }> = [];
  for (const pkg of inventory.packages) {
    const outcome = queryFor(pkg, inventory.os);
    if ('unsupported' in outcome) {
      skip(outcome.label, outcome.unsupported, pkg);
      continue;
    }
    const { query } = outcome;
    if (!database) {
      skip(query.label, 'no vulnerability database (rampart db import)', pkg);
      continue;
    }
    const status = database.ecosystems[query.ecosystem];
    if (!status) {
      skip(query.label, `no ${query.ecosystem} data in the vulnerability database`, pkg);
      continue;
    }
    if (query.releases.length > 0 && !status.releases.some((release) => release === query.ecosystem || isQueriedRelease(query, release))) {
      skip(query.label, `the vulnerability database has ${query.ecosystem} data, but none for ${query.label}`, pkg);
      continue;
    }
    const order = versionOrderFor(query.ecosystem);
    if (order && !order.isValid(query.version)) {
      skip(query.label, `a version the ${order.name} ordering cannot place`, pkg);
      continue;
    }
    used.add(query.ecosystem);
    checked++;
    lookups.push({ pkg, query });
  }
  await Promise.all(lookups.map(async ({ pkg, query }) => {
    const found: VulnerabilityMatch[] = [];
    for (const record of await recordsFor(query.ecosystem, query.name)) {
      if (isWithdrawn(record, now)) continue;
      for (const entry of record.affected) {
        if (!appliesTo(query, entry.package.ecosystem)) continue;
        if (packageKey(query.ecosystem, entry.package.name) !== packageKey(query.ecosystem, query.name)) continue;
        const verdict = evaluateAffected(entry, query.version);
        if (verdict.kind === 'unknown') {
          unevaluated.push({ package: `${query.name}@${query.version}`, id: record.id, reason: verdict.reason });
          continue;
        }
        if (verdict.kind !== 'affected') continue;
        found.push({
          package: pkg,
          query,
          id: record.id,
          aliases: record.aliases ?? [],
          ...(record.summary ? { summary: record.summary } : {}),
          severity: (await severityRating()).rateRecord(record, entry.severity),
          ...(verdict.kind === 'affected' && verdict.fixed ? { fixed: verdict.fixed } : {}),
          ...(verdict.kind === 'affected' && verdict.lastAffected ? { lastAffected: verdict.lastAffected } : {}),
          modified: record.modified,
        });
        break;
      }
    }
    append(matches, mergeAliased(found));
  }));
  matches.sort((a, b) => a.package.name.localeCompare(b.package.name) || a.id.localeCompare(b.id));
  return {
    matches,
    unchecked: [...unchecked.values()].sort(byLabel),
    checked,
    ecosystemsUsed: [...used].sort(),
    unevaluated,
  };
}
