import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import type { Rule } from '../rules/rule.js';
import type { DeployedImageSummary } from '../image/deployed/analyze-deployed.js';

/** Everything a reporter needs; reporters are pure functions of it. */
export interface ScanReport {
  readonly toolVersion: string;
  /** the scanned path as the user gave it */
  readonly root: string;
  readonly findings: readonly Finding[];
  readonly diagnostics: readonly Diagnostic[];
  readonly complete: boolean;
  readonly suppressed: number;
  readonly rules: readonly Rule[];
  readonly failOn: Severity | 'none';
  readonly docsBaseUrl: string;
  readonly stats: { readonly files: number; readonly bytes: number; readonly durationMs: number; readonly skippedBinary: number; readonly skippedLarge: number };
  /** `scan --analyze-images`: each image the repository deploys, what was read of it and its findings */
  readonly images?: readonly DeployedImageSummary[];
  /** present when findings were compared against a baseline */
  readonly baseline?: { readonly path: string; readonly matched: number; readonly absent: number };
}

export interface ReporterOptions {
  readonly color: boolean;
  /** text, Markdown and HTML show a rule's repeated findings under one folder as one entry (default); false lists each */
  readonly group?: boolean;
}

export type Reporter = (report: ScanReport, options: ReporterOptions) => string;
