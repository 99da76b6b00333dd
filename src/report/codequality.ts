import type { Severity } from '../model/severity.js';
import { rootPrefix } from './markdown.js';
import type { Reporter } from './report.js';

/** GitLab's Code Quality severities (the Code Climate scale). */
const CODE_QUALITY_SEVERITY: Readonly<Record<Severity, string>> = {
  info: 'info',
  low: 'minor',
  medium: 'major',
  high: 'critical',
  critical: 'blocker',
};

/**
 * GitLab Code Quality report (a subset of the Code Climate format): merge requests show the
 * findings a change adds or fixes. GitLab wants paths relative to the repository, which is the
 * working directory in CI, so a relative scanned root is put in front of each path.
 */
export const codeQualityReporter: Reporter = (report) => {
  const prefix = rootPrefix(report.root);
  const issues = report.findings.map((finding) => ({
    type: 'issue',
    check_name: finding.ruleId,
    description: finding.message,
    content: { body: `${finding.remediation}\n\n${finding.docs}` },
    categories: ['Security'],
    fingerprint: finding.fingerprint,
    severity: CODE_QUALITY_SEVERITY[finding.severity],
    location: {
      path: prefix + finding.location.path,
      lines: { begin: finding.location.line, end: finding.location.endLine },
    },
  }));
  return `${JSON.stringify(issues, null, 2)}\n`;
};
