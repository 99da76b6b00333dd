import type { ResolvedConfig } from '../config/schema.js';
import { fingerprint } from '../engine/fingerprint.js';
import type { Finding } from '../model/finding.js';
import { formatMessage, type Rule } from '../rules/rule.js';
import type { RecordOrigin } from './audit-event.js';

export interface WatchReport {
  readonly messageId: string;
  readonly data: Readonly<Record<string, string | number>>;
  readonly origin: RecordOrigin;
  /** what the finding is about (an audit ID, an object and revision), for its fingerprint */
  readonly subject: string;
  /** one line for people; never the raw record, which may carry a Secret's data */
  readonly summary: string;
  readonly properties: Readonly<Record<string, string | number | boolean>>;
}

/** A finding about a cluster record: located at the log line (or webhook batch) it was read from. */
export function watchFinding(rule: Rule, config: ResolvedConfig, report: WatchReport): Finding {
  const template = rule.messages[report.messageId] ?? report.messageId;
  const { path, line } = report.origin;
  return {
    ruleId: rule.id,
    layer: rule.layer,
    severity: config.rules.get(rule.id)?.severity ?? rule.severity,
    message: formatMessage(template, report.data),
    remediation: rule.remediation,
    docs: `${config.docsBaseUrl}/${rule.id}.md`,
    location: { path, line: Math.max(line, 1), column: 1, endLine: Math.max(line, 1), endColumn: 1 },
    snippet: report.summary,
    fingerprint: fingerprint(rule.id, '', report.subject, 0),
    span: { path, start: 0, end: 0 },
    properties: report.properties,
  };
}
