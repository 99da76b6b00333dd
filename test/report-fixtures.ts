import type { Finding } from '../src/model/finding.js';
import type { Layer, Severity } from '../src/model/severity.js';
import type { ScanReport } from '../src/report/report.js';
import { RULES } from '../src/rules/index.js';

const DOCS = 'https://example.test/docs/rules';

/** A finding as the engine would build it; `column`/`endColumn` index into `snippet`. */
export function makeFinding(fields: {
  ruleId: string;
  layer: Layer;
  severity: Severity;
  path: string;
  line: number;
  snippet: string;
  column?: number;
  endColumn?: number;
  message?: string;
  lineStart?: number;
  fix?: Finding['fix'];
  properties?: Finding['properties'];
  fingerprint?: string;
}): Finding {
  const column = fields.column ?? 1;
  const endColumn = fields.endColumn ?? fields.snippet.length + 1;
  const lineStart = fields.lineStart ?? fields.line * 100;
  return {
    ruleId: fields.ruleId,
    layer: fields.layer,
    severity: fields.severity,
    message: fields.message ?? `${fields.ruleId} at ${fields.path}`,
    remediation: `Fix ${fields.ruleId} with \`rampart pin\`.`,
    docs: `${DOCS}/${fields.ruleId}.md`,
    location: { path: fields.path, line: fields.line, column, endLine: fields.line, endColumn },
    snippet: fields.snippet,
    fingerprint: fields.fingerprint ?? `${fields.ruleId}-${fields.path}-${fields.line}`,
    span: { path: fields.path, start: lineStart + column - 1, end: lineStart + endColumn - 1 },
    ...(fields.fix ? { fix: fields.fix } : {}),
    ...(fields.properties ? { properties: fields.properties } : {}),
  };
}

export const HOSTILE_PATH = 'apps/"><img src=x onerror=alert(1)>.yaml';
export const HOSTILE_SNIPPET = "    image: <script>alert('x')</script>";
export const SECRET_VALUE = 'AKIAIOSFODNN7EXAMPLE-SECRET-9f8e7d';

/** Findings in every layer, a fix with edits, a hostile file name and snippet, a redacted secret. */
export function multiLayerReport(overrides: Partial<ScanReport> = {}): ScanReport {
  const findings: Finding[] = [
    makeFinding({ ruleId: 'image-not-pinned', layer: 'artifacts', severity: 'high', path: 'apps/web/deployment.yaml', line: 12, snippet: '          image: nginx:1.27', column: 18, endColumn: 28, properties: { image: 'docker.io/library/nginx:1.27' } }),
    makeFinding({
      ruleId: 'image-latest-tag', layer: 'artifacts', severity: 'medium', path: 'apps/web/deployment.yaml', line: 30, snippet: '          image: redis:latest', column: 18, endColumn: 30, lineStart: 3000,
      fix: { description: 'Use the tag `7.2`', edits: [{ path: 'apps/web/deployment.yaml', start: 3000 + 23, end: 3000 + 29, text: '7.2' }] },
    }),
    makeFinding({ ruleId: 'image-not-pinned', layer: 'artifacts', severity: 'high', path: HOSTILE_PATH, line: 3, snippet: HOSTILE_SNIPPET, column: 12, message: 'Image <b>bold</b> & "quoted" is not pinned' }),
    makeFinding({ ruleId: 'secret-aws-access-key', layer: 'secrets', severity: 'critical', path: 'config/prod.env', line: 4, snippet: 'AWS_ACCESS_KEY_ID=AKIA…[redacted]', column: 19, properties: { commit: '0123456789abcdef0123', secretValue: SECRET_VALUE } }),
    makeFinding({ ruleId: 'operator-cluster-admin', layer: 'operators', severity: 'critical', path: 'clusters/prod/argocd-rbac.yaml', line: 8, snippet: '  name: cluster-admin', column: 9 }),
    makeFinding({ ruleId: 'helm-chart-unpinned', layer: 'dependencies', severity: 'low', path: 'clusters/prod/payments.yaml', line: 11, snippet: '      version: "*"', column: 16 }),
    makeFinding({ ruleId: 'suppression-missing-reason', layer: 'repository', severity: 'info', path: 'apps/web/deployment.yaml', line: 5, snippet: '# rampart-ignore image-latest-tag', column: 1 }),
  ];
  return {
    toolVersion: '9.9.9',
    root: 'fixture',
    findings,
    diagnostics: [{ path: 'broken.yaml', line: 3, column: 7, message: 'invalid YAML: bad indentation', kind: 'incomplete' }],
    complete: false,
    suppressed: 1,
    rules: RULES,
    failOn: 'high',
    docsBaseUrl: DOCS,
    stats: { files: 7, bytes: 1234, durationMs: 42, skippedBinary: 0, skippedLarge: 0 },
    ...overrides,
  };
}
