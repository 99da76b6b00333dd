import { defineRule } from '../rule.js';
import { branchLabel, FORGE_RULE, listed, protectedBranches, reportSetting } from './forge-settings.js';

export default defineRule({
  id: 'branch-stale-approval-kept',
  ...FORGE_RULE,
  severity: 'medium',
  summary: 'Approvals of a pull or merge request into a deploy branch survive new commits.',
  rationale:
    'When approvals are kept after a push, an author can have a harmless change approved and then push anything on ' +
    'top before merging: the review no longer covers what is deployed. GitHub calls the remedy "Dismiss stale pull ' +
    'request approvals when new commits are pushed" (`dismiss_stale_reviews`, ruleset `dismiss_stale_reviews_on_push`); ' +
    'GitLab "Remove all approvals when commits are added to the source branch" (`reset_approvals_on_push`).',
  remediation:
    'GitHub: turn on dismissal of stale approvals in the branch\'s ruleset or protection rule (and "Require approval of ' +
    'the most recent reviewable push"). GitLab: Settings → Merge requests → Approval settings → "Remove all approvals ' +
    'when commits are added to the source branch".',
  references: [
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets#require-a-pull-request-before-merging',
    'https://docs.gitlab.com/user/project/merge_requests/approvals/settings/#remove-all-approvals-when-commits-are-added-to-the-source-branch',
  ],
  messages: {
    stale: 'Approvals of changes to the {branch} are kept when new commits are pushed ({sources}).',
  },
  examples: {
    bad: [{ file: 'GET /projects/acme%2Ffleet/approvals → 200', code: '{\n  "approvers": [],\n  "approver_groups": [],\n  "approvals_before_merge": 1,\n  "reset_approvals_on_push": false,\n  "selective_code_owner_removals": false,\n  "disable_overriding_approvers_per_merge_request": true,\n  "merge_requests_author_approval": false,\n  "merge_requests_disable_committers_approval": true,\n  "require_password_to_approve": false\n}\n' }],
    good: [{ file: 'GET /projects/acme%2Ffleet/approvals → 200', code: '{\n  "approvals_before_merge": 1,\n  "reset_approvals_on_push": true,\n  "disable_overriding_approvers_per_merge_request": true,\n  "merge_requests_author_approval": false,\n  "merge_requests_disable_committers_approval": true\n}\n' }],
  },
  async check(context) {
    for (const { branch, policy } of await protectedBranches(context)) {
      // without required approvals there is nothing to go stale: branch-review-not-required says so
      if (policy.dismissStaleApprovals !== false || !policy.pullRequestRequired || (policy.requiredApprovals ?? 0) === 0) continue;
      reportSetting(context, { messageId: 'stale', url: policy.urls?.approvals ?? branch.settingsUrl, subject: branch.name, data: { branch: branchLabel(branch), sources: listed(policy.sources) }, properties: { branch: branch.name } });
    }
  },
});
