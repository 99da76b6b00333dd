import { defineRule } from '../rule.js';
import { branchLabel, FORGE_RULE, listed, protectedBranches, reportSetting } from './forge-settings.js';

export default defineRule({
  id: 'branch-review-not-required',
  ...FORGE_RULE,
  severity: 'high',
  summary: 'A protected deploy branch can be changed without an approved pull or merge request.',
  rationale:
    'Review is the control that makes one person\'s mistake or one stolen credential not enough to change production. ' +
    'A protection that does not require a pull request, or requires one with zero approvals, lets a single account ' +
    'deploy alone. On GitLab, a protected branch that allows pushes (Developers, Maintainers, a user, a group or a ' +
    'deploy key) skips merge requests entirely, and without approval rules a merge request needs no approval.',
  remediation:
    'GitHub: require a pull request before merging with at least one approval (ruleset rule "Require a pull request ' +
    'before merging", or branch protection "Require approvals"). GitLab: set "Allowed to push and merge" to "No one" and add ' +
    'an approval rule (Settings → Merge requests → Merge request approvals) with at least one required approval.',
  references: [
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-pull-request-reviews-before-merging',
    'https://docs.gitlab.com/user/project/merge_requests/approvals/rules/',
  ],
  messages: {
    noPullRequest: 'The {branch} can be pushed to directly: its protection ({sources}) requires no pull request.',
    directPush: 'The {branch} can be pushed to directly by {pushers} ({sources}): no merge request or review is needed.',
    noApprovals: 'Pull requests into the {branch} need no approval ({sources}): their authors merge alone.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/branches/main/protection → 200', code: '{\n  "url": "https://api.github.com/repos/acme/fleet/branches/main/protection",\n  "required_status_checks": { "strict": true, "contexts": ["ci/test"], "checks": [{ "context": "ci/test", "app_id": null }] },\n  "enforce_admins": { "url": "https://api.github.com/repos/acme/fleet/branches/main/protection/enforce_admins", "enabled": true },\n  "required_linear_history": { "enabled": false },\n  "allow_force_pushes": { "enabled": false },\n  "allow_deletions": { "enabled": false }\n}\n' }],
    good: [{ file: 'GET /repos/acme/fleet/branches/main/protection → 200', code: '{\n  "url": "https://api.github.com/repos/acme/fleet/branches/main/protection",\n  "required_pull_request_reviews": {\n    "url": "https://api.github.com/repos/acme/fleet/branches/main/protection/required_pull_request_reviews",\n    "dismiss_stale_reviews": true,\n    "require_code_owner_reviews": true,\n    "required_approving_review_count": 1,\n    "require_last_push_approval": true\n  },\n  "enforce_admins": { "url": "https://api.github.com/repos/acme/fleet/branches/main/protection/enforce_admins", "enabled": true }\n}\n' }],
  },
  async check(context) {
    for (const { branch, policy } of await protectedBranches(context)) {
      const data = { branch: branchLabel(branch), sources: listed(policy.sources) };
      const subject = branch.name;
      const properties = { branch: branch.name };
      if (policy.directPushers && policy.directPushers.length > 0) {
        reportSetting(context, { messageId: 'directPush', url: branch.settingsUrl, subject, data: { ...data, pushers: listed(policy.directPushers) }, properties });
      } else if (policy.pullRequestRequired === false) {
        reportSetting(context, { messageId: 'noPullRequest', url: branch.settingsUrl, subject, data, properties });
      } else if (policy.pullRequestRequired === true && policy.requiredApprovals === 0) {
        reportSetting(context, { messageId: 'noApprovals', url: policy.urls?.approvals ?? branch.settingsUrl, subject, data, properties });
      }
    }
  },
});
