import { defineRule } from '../rule.js';
import { FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

export default defineRule({
  id: 'actions-fork-approval-weak',
  ...FORGE_RULE,
  severity: 'medium',
  summary: 'Workflows run on fork pull requests of a public repository without a maintainer\'s approval.',
  rationale:
    'A fork pull request runs the workflows it brings: with `first_time_contributors_new_to_github` only brand-new ' +
    'accounts wait for approval, and with `first_time_contributors` anyone who once had a pull request merged (a typo ' +
    'fix) runs code on the repository\'s runners, caches and, through `pull_request_target` or `workflow_run` mistakes, ' +
    'with its secrets. `all_external_contributors` asks a maintainer every time.',
  remediation:
    'Settings → Actions → General → "Approval for running fork pull request workflows from contributors": "Require ' +
    'approval for all external contributors" (`approval_policy: all_external_contributors`).',
  references: [
    'https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/approving-workflow-runs-from-public-forks',
    'https://docs.github.com/en/rest/actions/permissions#get-fork-pr-contributor-approval-permissions-for-a-repository',
  ],
  messages: {
    weak: 'Fork pull request workflows need approval only for {who} (`{policy}`).',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/actions/permissions/fork-pr-contributor-approval → 200', code: '{\n  "approval_policy": "first_time_contributors_new_to_github"\n}\n' }],
    good: [{ file: 'GET /repos/acme/fleet/actions/permissions/fork-pr-contributor-approval → 200', code: '{\n  "approval_policy": "all_external_contributors"\n}\n' }],
  },
  async check(context) {
    const actions = (await snapshotOf(context))?.actions;
    const policy = actions?.forkApprovalPolicy;
    if (!actions || !policy || policy === 'all_external_contributors' || actions.enabled === false) return;
    const who = policy === 'first_time_contributors_new_to_github' ? 'accounts new to GitHub' : 'contributors who never had a pull request merged';
    reportSetting(context, { messageId: 'weak', url: actions.url, subject: 'fork-pr-contributor-approval', data: { who, policy }, ...(policy === 'first_time_contributors' ? { severity: 'low' as const } : {}) });
  },
});
