import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { ResolvedConfig } from '../config/schema.js';
import { RampartError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import type { ScanReport } from '../report/report.js';
import { watchRules } from '../rules/operators/watch-rules.js';
import { VERSION } from '../version.js';
import { feedAuditLine } from './audit-input.js';
import { controllerIdentities } from './identities.js';
import { judgeUnmanagedChange } from './judges/unmanaged-change.js';
import { readLines, STDIN } from './line-reader.js';
import type { Controller } from './management.js';
import { Watcher, type AuditJudge, type WatchState } from './watcher.js';

export interface WatchOptions {
  readonly config: ResolvedConfig;
  readonly auditLogs: readonly string[];
  readonly controllers?: Partial<Record<Controller, readonly string[]>>;
  readonly argocdLabelTracking?: boolean;
  readonly failOn?: Severity | 'none';
  /** each finding as it is found (streaming); batch runs collect them instead */
  readonly onFinding?: (finding: Finding) => void;
}

export const AUDIT_JUDGES: readonly AuditJudge[] = [judgeUnmanagedChange];

export function createWatcher(options: Pick<WatchOptions, 'config' | 'controllers' | 'argocdLabelTracking'>, onFinding: (finding: Finding) => void): Watcher {
  const state: WatchState = {
    config: options.config,
    identities: controllerIdentities(options.controllers),
    management: { argocdLabelTracking: options.argocdLabelTracking ?? false, knownApplications: new Set() },
    managed: new Map(),
  };
  return new Watcher(state, AUDIT_JUDGES, onFinding);
}

/** Reads every input to its end, judging records in order, and reports like `scan` does. */
export async function runWatch(options: WatchOptions): Promise<ScanReport> {
  const started = performance.now();
  const findings: Finding[] = [];
  const watcher = createWatcher(options, (finding) => {
    findings.push(finding);
    options.onFinding?.(finding);
  });
  let bytes = 0;
  for (const file of options.auditLogs) {
    if (file !== STDIN) bytes += await inputSize(file);
    for await (const { text, line, path } of readLines(file)) feedAuditLine(watcher, text, { path, line });
  }
  const enabled = watchRules.filter((rule) => options.config.rules.get(rule.id)?.enabled ?? true);
  return {
    toolVersion: VERSION,
    root: options.auditLogs.map((file) => (file === STDIN ? '<stdin>' : file)).join(', '),
    findings,
    diagnostics: watcher.diagnostics(),
    complete: true,
    suppressed: 0,
    rules: enabled,
    failOn: options.failOn ?? options.config.failOn,
    docsBaseUrl: options.config.docsBaseUrl,
    stats: { files: options.auditLogs.length, bytes, durationMs: performance.now() - started, skippedBinary: 0, skippedLarge: 0 },
  };
}

async function inputSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new RampartError('usage', `${file} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof RampartError) throw error;
    throw new RampartError('path-not-found', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { cause: error });
  }
}
