import { describe, expect, it } from 'vitest';
import { codeQualityReporter } from '../src/report/codequality.js';
import { REPORTERS } from '../src/report/index.js';
import { multiLayerReport } from './report-fixtures.js';

interface Issue {
  type: string;
  check_name: string;
  description: string;
  fingerprint: string;
  severity: string;
  categories: string[];
  location: { path: string; lines: { begin: number } };
}

describe('GitLab Code Quality report', () => {
  it('is registered as --format codequality', () => {
    expect(REPORTERS['codequality']).toBe(codeQualityReporter);
  });

  it('maps every finding to a Code Climate issue with GitLab severities and stable fingerprints', () => {
    const report = multiLayerReport({ root: '.' });
    const issues = JSON.parse(codeQualityReporter(report, { color: false })) as Issue[];
    expect(issues).toHaveLength(report.findings.length);
    const rbac = issues.find((issue) => issue.check_name === 'operator-cluster-admin');
    expect(rbac).toMatchObject({ type: 'issue', severity: 'blocker', categories: ['Security'], location: { path: 'clusters/prod/argocd-rbac.yaml', lines: { begin: 8 } } });
    expect(new Set(issues.map((issue) => issue.severity))).toEqual(new Set(['blocker', 'critical', 'major', 'minor', 'info']));
    expect(issues.map((issue) => issue.fingerprint)).toEqual(report.findings.map((finding) => finding.fingerprint));
  });

  it('makes paths relative to the repository when a sub-directory was scanned', () => {
    const issues = JSON.parse(codeQualityReporter(multiLayerReport({ root: './deploy/' }), { color: false })) as Issue[];
    expect(issues.every((issue) => issue.location.path.startsWith('deploy/'))).toBe(true);
  });
});
