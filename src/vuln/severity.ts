import cvss from 'ae-cvss-calculator';
import type { Severity } from '../model/severity.js';
import type { OsvRecord, OsvSeverity } from './osv.js';

const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvss;

export interface RatedSeverity {
  readonly severity: Severity;
  /** the CVSS base score, when a vector was scored */
  readonly score?: number;
  /** `CVSS:3.1/…`, `CVSS:4.0/…`, `Ubuntu:high`, `GHSA:MODERATE`, or `none` */
  readonly source: string;
}

/** CVSS v3/v4 qualitative rating (FIRST): 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10 critical. */
export function severityOfScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/** The base score of a CVSS vector (v2, v3.0, v3.1, v4.0); undefined when the vector is not valid. */
export function cvssBaseScore(vector: string): number | undefined {
  try {
    const text = vector.trim();
    const scored = text.startsWith('CVSS:4.0/')
      ? new Cvss4P0(text).calculateScores()
      : text.startsWith('CVSS:3.1/')
        ? new Cvss3P1(text).calculateScores()
        : text.startsWith('CVSS:3.0/')
          ? new Cvss3P0(text).calculateScores()
          : /^\(?AV:[LAN]\//.test(text)
            ? new Cvss2(text).calculateScores()
            : undefined;
    const base = scored?.base;
    return typeof base === 'number' && Number.isFinite(base) ? base : undefined;
  } catch {
    return undefined;
  }
}

const TYPE_PREFERENCE = ['CVSS_V4', 'CVSS_V3', 'CVSS_V2'];
const WORDS: Record<string, Severity> = { critical: 'critical', high: 'high', important: 'high', moderate: 'medium', medium: 'medium', low: 'low', negligible: 'low', unimportant: 'low' };

/**
 * The severity of a record for one affected entry: the newest CVSS version present (the entry's own
 * vectors before the record's), else a distro's or GitHub's word for it, else unrated.
 */
export function rateRecord(record: OsvRecord, entrySeverity: readonly OsvSeverity[] = []): RatedSeverity {
  const all = [...entrySeverity, ...(record.severity ?? [])];
  for (const type of TYPE_PREFERENCE) {
    for (const item of all.filter((candidate) => candidate.type === type)) {
      const score = cvssBaseScore(item.score);
      if (score !== undefined) return { severity: severityOfScore(score), score, source: item.score };
    }
  }
  const word = all.find((item) => item.type === 'Ubuntu' && WORDS[item.score.toLowerCase()]);
  if (word) return { severity: WORDS[word.score.toLowerCase()]!, source: `Ubuntu:${word.score}` };
  const rated = record.ratedSeverity ? WORDS[record.ratedSeverity.toLowerCase()] : undefined;
  if (rated) return { severity: rated, source: `GHSA:${record.ratedSeverity}` };
  return { severity: 'medium', source: 'none' };
}
