import type { Finding } from '../model/finding.js';
import { atLeast, type Severity } from '../model/severity.js';

/** Whether findings at or above `failOn` make the run fail (apart from the engine, so a command that runs no rules need not load it). */
export function shouldFail(findings: readonly Finding[], failOn: Severity | 'none'): boolean {
  if (failOn === 'none') return false;
  return findings.some((finding) => atLeast(finding.severity, failOn));
}
