import { forgeSnapshot } from '../../forge/collect.js';
import type { BranchPolicy, BranchSettings, ForgeSnapshot } from '../../forge/snapshot.js';
import type { Severity } from '../../model/severity.js';
import type { RuleContext } from '../rule.js';

/** What forge rules share: how they run and where their integration test is. */
export const FORGE_RULE = {
  layer: 'repository',
  requires: 'forge',
  runsWith: '`rampart forge REPO_URL` or `rampart scan --forge` (GitHub or GitLab API, with a token)',
  integrationTest: 'test/forge.test.ts',
} as const;

/** The forge settings of this scan (read once), or undefined when the scan reads none. */
export function snapshotOf(context: RuleContext): Promise<ForgeSnapshot | undefined> {
  return forgeSnapshot(context.workspace, context.settings.forge);
}

/** Branches whose protection was read and is in force (unprotected ones are `branch-protection-missing`'s). */
export async function protectedBranches(context: RuleContext): Promise<Array<{ snapshot: ForgeSnapshot; branch: BranchSettings; policy: BranchPolicy }>> {
  const snapshot = await snapshotOf(context);
  if (!snapshot) return [];
  return snapshot.branches.flatMap((branch) => (branch.policy?.protected ? [{ snapshot, branch, policy: branch.policy }] : []));
}

export interface SettingReport<MessageId extends string> {
  readonly messageId: MessageId;
  /** the forge page of the setting: the finding's location */
  readonly url: string;
  /** what the finding is about, for its fingerprint (a branch, a key id) */
  readonly subject: string;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly severity?: Severity;
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
}

/** A finding located at the forge page of the setting (no file, no line). */
export function reportSetting<MessageId extends string>(context: RuleContext<MessageId>, report: SettingReport<MessageId>): void {
  context.report({
    messageId: report.messageId,
    at: { path: report.url, start: 0, end: 0 },
    subject: report.subject,
    ...(report.data ? { data: report.data } : {}),
    ...(report.severity ? { severity: report.severity } : {}),
    ...(report.properties ? { properties: report.properties } : {}),
  });
}

/** `branch main (deployed by Application argocd/web …)` */
export function branchLabel(branch: BranchSettings): string {
  return `branch ${branch.name} (${branch.reason})`;
}

export function listed(items: readonly string[], max = 5): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}
