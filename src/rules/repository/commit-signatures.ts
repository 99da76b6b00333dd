import { fingerprint } from '../../engine/fingerprint.js';
import type { VerifySettings } from '../../engine/settings.js';
import type { Workspace } from '../../model/workspace.js';
import { runGit } from '../../sources/git/git.js';
import { checkCommitSignatures, checksCommitSignatures, type CheckedObject } from '../../verify/commit-scan.js';
import { formatMessage, type Rule, type RuleContext } from '../rule.js';

/** The commit checks run once per scan; both commit rules read the same results. */
const resultsByWorkspace = new WeakMap<Workspace, Promise<CheckedObject[]>>();

/** Commits (and tags) verified for this scan, or none when the scan checks no signatures. */
export function commitResults(context: RuleContext): Promise<CheckedObject[]> {
  const verify = context.settings.verify;
  if (!verify || !checksCommitSignatures(verify) || context.workspace.root === '') return Promise.resolve([]);
  let results = resultsByWorkspace.get(context.workspace);
  if (!results) {
    const history = context.settings.history;
    const range = history?.range ?? (history?.since !== undefined ? `${history.since}..HEAD` : undefined);
    const workspace = context.workspace;
    // Both commit rules share the outcome: a bad signer file or git failure is reported once, and the scan is incomplete.
    results = checkRepositoryCommits(workspace, verify, range).catch((error: unknown) => {
      workspace.diagnostics.push({ path: '.', message: `commit signatures not checked: ${error instanceof Error ? error.message : String(error)}`, kind: 'incomplete' });
      return [];
    });
    resultsByWorkspace.set(context.workspace, results);
  }
  return results;
}

/** Outside git there are no commits: a note when only the config asked (it serves every scanned tree), an incomplete scan when a flag did. */
async function checkRepositoryCommits(workspace: Workspace, verify: VerifySettings, range: string | undefined): Promise<CheckedObject[]> {
  const inside = await runGit(workspace.root, ['rev-parse', '--is-inside-work-tree']);
  if (inside.code !== 0 || inside.stdout.trim() !== 'true') {
    workspace.diagnostics.push({ path: '.', message: `commit signatures not checked: ${workspace.root} is not a git repository`, kind: verify.commitPolicyFrom ? 'note' : 'incomplete' });
    return [];
  }
  return checkCommitSignatures({ repo: workspace.root, verify, ...(range ? { range } : {}) });
}

/** A finding about a commit or tag: no span in the working tree; the commit is in `properties`. */
export function reportCommit(context: RuleContext, rule: Rule, messageId: string, checked: CheckedObject, data: Record<string, string>): void {
  const template = rule.messages[messageId] ?? messageId;
  const who = checked.object.author ?? checked.object.signer;
  const subject = checked.tag ? `tag ${checked.tag}` : `commit ${checked.id.slice(0, 12)}${checked.refs ? ` (not on HEAD; reachable from ${listRefs(checked.refs)})` : ''}`;
  const message = formatMessage(template, { subject, title: checked.object.subjectLine, ...data });
  context.reportFinding?.({
    ruleId: rule.id,
    layer: rule.layer,
    severity: context.config.rules.get(rule.id)?.severity ?? rule.severity,
    message,
    remediation: rule.remediation,
    docs: `${context.config.docsBaseUrl}/${rule.id}.md`,
    location: { path: '.', line: 1, column: 1, endLine: 1, endColumn: 1 },
    snippet: '',
    fingerprint: fingerprint(rule.id, '.', checked.tag ? `refs/tags/${checked.tag}` : checked.id, 0),
    span: { path: '.', start: 0, end: 0 },
    properties: {
      commit: checked.id,
      ...(checked.tag ? { tag: checked.tag } : {}),
      ...(checked.refs ? { refs: checked.refs.join(', ') } : {}),
      ...(who ? { author: `${who.name} <${who.email}>`, date: who.date.toISOString() } : {}),
      ...(checked.verdict.status === 'untrusted' ? { signatureFormat: checked.verdict.format, reason: checked.verdict.reason } : {}),
    },
  });
}

const LISTED_REFS = 3;

function listRefs(refs: readonly string[]): string {
  const shown = refs.slice(0, LISTED_REFS).join(', ');
  return refs.length > LISTED_REFS ? `${shown} and ${refs.length - LISTED_REFS} more` : shown;
}
