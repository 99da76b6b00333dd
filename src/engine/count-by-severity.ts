import type { Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';

/** Findings by severity. Apart from run.ts, so a reporter does not load the whole engine (and YAML) to count. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}
