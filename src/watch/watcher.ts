import type { ResolvedConfig } from '../config/schema.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import { findRule } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';
import { BadRecordError, type AuditEvent, type RecordOrigin } from './audit-event.js';
import type { ControllerIdentities } from './identities.js';
import type { Management, ManagementOptions } from './management.js';
import { watchFinding, type WatchReport } from './watch-finding.js';

/** What the watcher knows about objects: managed (and by whom), known unmanaged (null), or absent (unknown). */
export type ManagedIndex = Map<string, Management | null>;

export interface WatchState {
  readonly config: ResolvedConfig;
  readonly identities: ControllerIdentities;
  readonly management: ManagementOptions & { readonly knownApplications: Set<string> };
  readonly managed: ManagedIndex;
  /** namespaces whose Secrets the controllers may read: given, and learned from where their custom resources live */
  readonly secretNamespaces: Set<string>;
  /** the source fields last seen of Applications, Kustomizations, HelmReleases and Flux sources */
  readonly sources: Map<string, Record<string, string>>;
}

export interface JudgeContext {
  readonly state: WatchState;
  report(ruleId: string, report: WatchReport): void;
  /** an event a rule could not judge, counted by reason; `detail` (a resource) shows where */
  unjudged(ruleId: string, reason: string, detail: string): void;
}

export type AuditJudge = (event: AuditEvent, context: JudgeContext) => void;

export interface WatchCounts {
  records: number;
  auditEvents: number;
  badRecords: number;
}

const LISTED_BAD_RECORDS = 20;
const LISTED_DETAILS = 5;

/** Reads records one at a time, judges each, and keeps what it needs to judge the next. */
export class Watcher {
  readonly counts: WatchCounts = { records: 0, auditEvents: 0, badRecords: 0 };
  private readonly badRecords: Array<{ origin: RecordOrigin; message: string }> = [];
  private readonly unjudgedCounts = new Map<string, { ruleId: string; reason: string; count: number; details: Map<string, number> }>();
  private readonly rules = new Map<string, Rule | null>();
  private readonly judges: AuditJudge[];
  readonly context: JudgeContext;
  /** told of each bad record as it is read (streaming); batch runs list them in `diagnostics()` */
  onBad?: (origin: RecordOrigin, message: string) => void;

  constructor(
    readonly state: WatchState,
    judges: readonly AuditJudge[],
    private readonly onFinding: (finding: Finding) => void,
  ) {
    this.judges = [...judges];
    this.context = {
      state,
      report: (ruleId, report) => {
        const rule = this.enabledRule(ruleId);
        if (rule) this.onFinding(watchFinding(rule, state.config, report));
      },
      unjudged: (ruleId, reason, detail) => {
        if (!this.enabledRule(ruleId)) return;
        const key = `${ruleId}\0${reason}`;
        let entry = this.unjudgedCounts.get(key);
        if (!entry) {
          entry = { ruleId, reason, count: 0, details: new Map() };
          this.unjudgedCounts.set(key, entry);
        }
        entry.count += 1;
        entry.details.set(detail, (entry.details.get(detail) ?? 0) + 1);
      },
    };
  }

  /** A judge that needs more than the state (the deployments' clone), added once it exists. */
  addJudge(judge: AuditJudge): void {
    this.judges.push(judge);
  }

  audit(event: AuditEvent): void {
    this.counts.records += 1;
    this.counts.auditEvents += 1;
    for (const judge of this.judges) judge(event, this.context);
  }

  /** A line or item that is not a record: counted and listed with where it was, never fatal. */
  bad(origin: RecordOrigin, error: unknown): void {
    this.counts.records += 1;
    this.counts.badRecords += 1;
    const message = error instanceof BadRecordError || error instanceof SyntaxError ? error.message : String(error);
    if (this.badRecords.length < LISTED_BAD_RECORDS) this.badRecords.push({ origin, message });
    this.onBad?.(origin, message);
  }

  /** Bad records and what could not be judged, as diagnostics the reporters already show. */
  diagnostics(): Diagnostic[] {
    const diagnostics: Diagnostic[] = this.badRecords.map(({ origin, message }) => ({
      path: origin.path,
      line: origin.line,
      message: `not a record, skipped: ${message}`,
      kind: 'skipped',
    }));
    const unlisted = this.counts.badRecords - this.badRecords.length;
    if (unlisted > 0) diagnostics.push({ path: '.', message: `${unlisted} more records were not valid and were skipped`, kind: 'skipped' });
    for (const { ruleId, reason, count, details } of this.unjudgedCounts.values()) {
      const where = [...details].sort((a, b) => b[1] - a[1]).slice(0, LISTED_DETAILS).map(([detail, times]) => `${detail} ×${times}`).join(', ');
      const more = details.size > LISTED_DETAILS ? `, and ${details.size - LISTED_DETAILS} more` : '';
      diagnostics.push({ path: '.', message: `${ruleId}: ${count} ${count === 1 ? 'event' : 'events'} could not be judged: ${reason} (${where}${more})`, kind: 'note' });
    }
    return diagnostics;
  }

  private enabledRule(ruleId: string): Rule | undefined {
    let rule = this.rules.get(ruleId);
    if (rule === undefined) {
      const found = findRule(ruleId);
      rule = found && (this.state.config.rules.get(ruleId)?.enabled ?? true) ? found : null;
      this.rules.set(ruleId, rule);
    }
    return rule ?? undefined;
  }
}

export function objectKey(ref: { apiGroup: string; resource: string; namespace: string; name: string }): string {
  return `${ref.apiGroup}/${ref.resource}/${ref.namespace}/${ref.name}`;
}
