import { isImageAnalysisFinding } from '../image/image-findings.js';
import type { Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import { ruleMarkdown } from '../rules/docs.js';
import type { Rule } from '../rules/rule.js';
import type { Reporter } from './report.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function level(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'note';
}

/** GitHub code scanning ranks security alerts by this CVSS-like number. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

function pascalCase(id: string): string {
  return id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

function driverRule(rule: Rule, docsBaseUrl: string): Record<string, unknown> {
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.rationale },
    help: { text: `${rule.remediation}`, markdown: ruleMarkdown(rule) },
    helpUri: `${docsBaseUrl}/${rule.id}.md`,
    defaultConfiguration: { level: level(rule.severity) },
    properties: {
      tags: ['security', rule.layer],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      precision: 'high',
      layer: rule.layer,
    },
  };
}

function result(finding: Finding, ruleIndex: number): Record<string, unknown> {
  const { location } = finding;
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: level(finding.severity),
    message: { text: `${finding.message}\nFix: ${finding.remediation}` },
    locations: [{
      physicalLocation: {
        artifactLocation: artifactOf(location.path),
        region: {
          startLine: location.line,
          startColumn: location.column,
          endLine: location.endLine,
          endColumn: Math.max(location.endColumn, location.line === location.endLine ? location.column : 1),
          ...(finding.snippet ? { snippet: { text: finding.snippet } } : {}),
        },
      },
    }],
    partialFingerprints: { 'rampartFingerprint/v1': finding.fingerprint },
    properties: {
      // an image finding's `layer` is the image layer it is in (absent for the config and manifest); the rule holds the check
      ...(isImageAnalysisFinding(finding) ? {} : { layer: finding.layer }),
      severity: finding.severity,
      'security-severity': SECURITY_SEVERITY[finding.severity],
      ...(finding.properties ?? {}),
    },
  };
}

/** A file of the tree is relative to %SRCROOT%; a forge setting's page (`https://…/settings/branches`) is an absolute URI. */
function artifactOf(path: string): { uri: string; uriBaseId?: string } {
  return /^https?:\/\//.test(path) ? { uri: path } : { uri: encodeUri(path), uriBaseId: '%SRCROOT%' };
}

function encodeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0 for GitHub code scanning and any SARIF viewer. */
export const sarifReporter: Reporter = (report) => {
  const rules = [...report.rules];
  const indexOf = new Map(rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Rampart',
          semanticVersion: report.toolVersion,
          informationUri: report.docsBaseUrl.replace(/\/docs\/rules$/, '').replace(/\/blob\/main$/, ''),
          rules: rules.map((rule) => driverRule(rule, report.docsBaseUrl)),
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { description: { text: `the scanned directory (${report.root})` } } },
      invocations: [{
        executionSuccessful: report.complete,
        toolExecutionNotifications: report.diagnostics.map((diagnostic) => ({
          level: diagnostic.kind === 'incomplete' ? 'error' : 'warning',
          message: { text: diagnostic.message },
          locations: [{
            physicalLocation: {
              artifactLocation: { uri: encodeUri(diagnostic.path), uriBaseId: '%SRCROOT%' },
              ...(diagnostic.line ? { region: { startLine: diagnostic.line, ...(diagnostic.column ? { startColumn: diagnostic.column } : {}) } } : {}),
            },
          }],
        })),
      }],
      results: report.findings.map((finding) => result(finding, indexOf.get(finding.ruleId) ?? -1)),
      columnKind: 'utf16CodeUnits',
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
