import { isRecord } from '../is-record.js';
/**
 * The parts of an OSV record (ossf/osv-schema) that matching and reporting use. Records are
 * compacted to these on import: details, references and credits stay in the user's source data.
 */
export interface OsvEvent {
  readonly introduced?: string;
  readonly fixed?: string;
  readonly last_affected?: string;
  readonly limit?: string;
}

export interface OsvRange {
  readonly type: 'SEMVER' | 'ECOSYSTEM' | 'GIT' | string;
  readonly events: readonly OsvEvent[];
}

export interface OsvSeverity {
  /** CVSS_V2, CVSS_V3, CVSS_V4, Ubuntu */
  readonly type: string;
  readonly score: string;
}

export interface OsvAffected {
  readonly package: { readonly ecosystem: string; readonly name: string; readonly purl?: string };
  readonly ranges?: readonly OsvRange[];
  readonly versions?: readonly string[];
  readonly severity?: readonly OsvSeverity[];
}

export interface OsvRecord {
  readonly id: string;
  readonly modified: string;
  readonly published?: string;
  readonly withdrawn?: string;
  readonly aliases?: readonly string[];
  readonly related?: readonly string[];
  readonly summary?: string;
  readonly severity?: readonly OsvSeverity[];
  readonly affected: readonly OsvAffected[];
  /** GitHub's `database_specific.severity` (LOW, MODERATE, HIGH, CRITICAL) when the record has no vector */
  readonly ratedSeverity?: string;
}

/** Why a document is not a usable OSV record. */
export class OsvFormatError extends Error {}

type Json = Record<string, unknown>;

const isObject: (value: unknown) => value is Json = isRecord;

function optionalString(record: Json, key: string, where: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new OsvFormatError(`${where}${key} is not a string`);
  return value;
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new OsvFormatError(`${where} is not a list`);
  return value.map((item, index) => {
    if (typeof item !== 'string' && typeof item !== 'number') throw new OsvFormatError(`${where}[${index}] is not a string`);
    return String(item);
  });
}

function severities(value: unknown, where: string): OsvSeverity[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new OsvFormatError(`${where} is not a list`);
  return value.filter(isObject).flatMap((item) => (typeof item['type'] === 'string' && typeof item['score'] === 'string' ? [{ type: item['type'], score: item['score'] }] : []));
}

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

function ranges(value: unknown, where: string): OsvRange[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new OsvFormatError(`${where} is not a list`);
  return value.map((range, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(range) || typeof range['type'] !== 'string') throw new OsvFormatError(`${at} has no type`);
    if (!Array.isArray(range['events'])) throw new OsvFormatError(`${at}.events is not a list`);
    const events = range['events'].map((event, eventIndex) => {
      if (!isObject(event)) throw new OsvFormatError(`${at}.events[${eventIndex}] is not an object`);
      const present = EVENT_KEYS.filter((key) => event[key] !== undefined && event[key] !== null);
      if (present.length !== 1) throw new OsvFormatError(`${at}.events[${eventIndex}] must hold exactly one of ${EVENT_KEYS.join(', ')}`);
      const key = present[0]!;
      const version = event[key];
      if (typeof version !== 'string' && typeof version !== 'number') throw new OsvFormatError(`${at}.events[${eventIndex}].${key} is not a string`);
      return { [key]: String(version) } as OsvEvent;
    });
    return { type: range['type'], events };
  });
}

/**
 * Checks a parsed JSON/YAML document against the parts of the OSV schema Rampart relies on and
 * keeps only those. Throws OsvFormatError naming the field that is wrong.
 */
export function compactOsvRecord(document: unknown): OsvRecord {
  if (!isObject(document)) throw new OsvFormatError('not an object');
  const id = optionalString(document, 'id', '');
  if (!id) throw new OsvFormatError('no id');
  const modified = optionalString(document, 'modified', '');
  if (!modified) throw new OsvFormatError(`${id}: no modified time`);
  const affectedList = document['affected'] ?? [];
  if (!Array.isArray(affectedList)) throw new OsvFormatError(`${id}: affected is not a list`);
  const affected = affectedList.flatMap((item, index): OsvAffected[] => {
    const at = `${id}: affected[${index}].`;
    if (!isObject(item)) throw new OsvFormatError(`${at.slice(0, -1)} is not an object`);
    const pkg = item['package'];
    // an entry without a package names a git repository only: nothing to match binaries against
    if (pkg === undefined) return [];
    if (!isObject(pkg) || typeof pkg['ecosystem'] !== 'string' || typeof pkg['name'] !== 'string') throw new OsvFormatError(`${at}package needs an ecosystem and a name`);
    const entryRanges = ranges(item['ranges'], `${at}ranges`);
    const versions = stringList(item['versions'], `${at}versions`);
    const severity = severities(item['severity'], `${at}severity`);
    const purl = typeof pkg['purl'] === 'string' ? pkg['purl'] : undefined;
    return [{
      package: { ecosystem: pkg['ecosystem'], name: pkg['name'], ...(purl ? { purl } : {}) },
      ...(entryRanges?.length ? { ranges: entryRanges } : {}),
      ...(versions?.length ? { versions } : {}),
      ...(severity?.length ? { severity } : {}),
    }];
  });
  const aliases = stringList(document['aliases'], `${id}: aliases`);
  const related = stringList(document['related'], `${id}: related`);
  const severity = severities(document['severity'], `${id}: severity`);
  const summary = optionalString(document, 'summary', `${id}: `);
  const published = optionalString(document, 'published', `${id}: `);
  const withdrawn = optionalString(document, 'withdrawn', `${id}: `);
  const databaseSpecific = document['database_specific'];
  const rated = isObject(databaseSpecific) && typeof databaseSpecific['severity'] === 'string' ? databaseSpecific['severity'] : undefined;
  return {
    id,
    modified,
    ...(published ? { published } : {}),
    ...(withdrawn ? { withdrawn } : {}),
    ...(aliases?.length ? { aliases } : {}),
    ...(related?.length ? { related } : {}),
    ...(summary ? { summary: summary.slice(0, 300) } : {}),
    ...(severity?.length ? { severity } : {}),
    affected,
    ...(rated ? { ratedSeverity: rated } : {}),
  };
}
