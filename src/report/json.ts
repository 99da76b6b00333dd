import { countBySeverity } from '../engine/count-by-severity.js';
import { LAYERS, SEVERITIES } from '../model/severity.js';
import type { Reporter } from './report.js';

export const JSON_SCHEMA_VERSION = 1;

/** The stable JSON format documented in docs/json-format.md. */
export const jsonReporter: Reporter = (report) => {
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<string, number>;
  const byLayer = Object.fromEntries(LAYERS.map((layer) => [layer, 0])) as Record<string, number>;
  for (const finding of report.findings) {
    bySeverity[finding.severity] = (bySeverity[finding.severity] ?? 0) + 1;
    byLayer[finding.layer] = (byLayer[finding.layer] ?? 0) + 1;
  }
  const output = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'rampart', version: report.toolVersion },
    root: report.root,
    complete: report.complete,
    summary: {
      findings: report.findings.length,
      suppressed: report.suppressed,
      bySeverity,
      byLayer,
      files: report.stats.files,
      bytes: report.stats.bytes,
      durationMs: Math.round(report.stats.durationMs),
      skipped: { binary: report.stats.skippedBinary, tooLarge: report.stats.skippedLarge },
      ...(report.baseline ? { baseline: report.baseline } : {}),
    },
    findings: report.findings.map((finding) => ({
      ruleId: finding.ruleId,
      layer: finding.layer,
      severity: finding.severity,
      message: finding.message,
      remediation: finding.remediation,
      docs: finding.docs,
      location: finding.location,
      snippet: finding.snippet,
      fingerprint: finding.fingerprint,
      ...(finding.properties ? { properties: finding.properties } : {}),
      ...(finding.fix ? { fix: { description: finding.fix.description, edits: finding.fix.edits } } : {}),
    })),
    diagnostics: report.diagnostics,
    ...(report.images ? {
      images: report.images.map(({ findings, ...image }) => ({ ...image, findings: findings.length, bySeverity: countBySeverity(findings) })),
    } : {}),
  };
  return `${JSON.stringify(output, null, 2)}\n`;
};

