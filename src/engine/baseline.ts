import { readFile } from 'node:fs/promises';
import { RampartError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { ScanReport } from '../report/report.js';
import { isRecord } from '../is-record.js';

export const BASELINE_FILE = '.rampart-baseline.json';
export const BASELINE_VERSION = 1;

/** One known finding: its fingerprint plus rule and path for people reading the file. Never a snippet or a secret. */
export interface BaselineEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly path: string;
}

export interface Baseline {
  readonly version: typeof BASELINE_VERSION;
  readonly tool: 'rampart';
  readonly entries: readonly BaselineEntry[];
}

export function createBaseline(findings: readonly Finding[]): Baseline {
  const unique = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    unique.set(finding.fingerprint, { fingerprint: finding.fingerprint, ruleId: finding.ruleId, path: finding.location.path });
  }
  const entries = [...unique.values()].sort((a, b) => a.path.localeCompare(b.path) || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  return { version: BASELINE_VERSION, tool: 'rampart', entries };
}

export function serializeBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

export interface BaselineComparison {
  /** findings not in the baseline */
  readonly fresh: Finding[];
  /** findings the baseline already knew */
  readonly matched: number;
  /** baseline entries, for rules that ran, that no longer occur: fixed, or moved to another file */
  readonly absent: number;
}

/**
 * Splits findings into new and known. Entries for rules that did not run (`--rule`, or a rule
 * needing `--history`) are neither matched nor absent: nothing was checked for them.
 */
export function compareWithBaseline(findings: readonly Finding[], baseline: Baseline, rulesRun: ReadonlySet<string>): BaselineComparison {
  const known = new Set(baseline.entries.map((entry) => entry.fingerprint));
  const fresh: Finding[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    if (known.has(finding.fingerprint)) seen.add(finding.fingerprint);
    else fresh.push(finding);
  }
  const absent = baseline.entries.filter((entry) => rulesRun.has(entry.ruleId) && !seen.has(entry.fingerprint)).length;
  return { fresh, matched: findings.length - fresh.length, absent };
}

/** Reads and validates a baseline file; every problem is one clear line naming the file. */
export async function loadBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RampartError('usage', `cannot read baseline ${file}: ${code === 'ENOENT' ? 'no such file (create it with `rampart baseline`)' : code ?? String(error)}`, { cause: error });
  }
  return parseBaseline(text, file);
}

export function parseBaseline(text: string, file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RampartError('usage', `baseline ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isRecord(data) || data['tool'] !== 'rampart' || !Array.isArray(data['entries'])) {
    throw new RampartError('usage', `baseline ${file} is not a Rampart baseline (expected {"tool": "rampart", "entries": [...]})`);
  }
  if (data['version'] !== BASELINE_VERSION) {
    throw new RampartError('usage', `baseline ${file} has version ${String(data['version'])}; this Rampart reads version ${BASELINE_VERSION}`);
  }
  const entries: BaselineEntry[] = [];
  for (const [index, entry] of (data['entries'] as unknown[]).entries()) {
    if (!isRecord(entry) || typeof entry['fingerprint'] !== 'string' || typeof entry['ruleId'] !== 'string' || typeof entry['path'] !== 'string') {
      throw new RampartError('usage', `baseline ${file}: entry ${index} needs string fields fingerprint, ruleId and path`);
    }
    entries.push({ fingerprint: entry['fingerprint'], ruleId: entry['ruleId'], path: entry['path'] });
  }
  return { version: BASELINE_VERSION, tool: 'rampart', entries };
}

/** The report as `scan --baseline` shows it: only new findings, plus how the baseline fared. */
export function withBaseline(report: ScanReport, baseline: Baseline, file: string): ScanReport {
  const comparison = compareWithBaseline(report.findings, baseline, new Set(report.rules.map((rule) => rule.id)));
  return { ...report, findings: comparison.fresh, baseline: { path: file, matched: comparison.matched, absent: comparison.absent } };
}
