import { defineRule } from '../rule.js';
import { branchLabel, FORGE_RULE, listed, protectedBranches, reportSetting } from './forge-settings.js';

export default defineRule({
  id: 'branch-code-owner-review-not-required',
  ...FORGE_RULE,
  severity: 'low',
  summary: 'Changes to a deploy branch do not need the approval of the CODEOWNERS of the paths they touch.',
  rationale:
    'Any approval counts the same without code-owner review: a teammate of the author can approve a change to the ' +
    'production overlay, the RBAC or the policy exceptions that the platform team owns. CODEOWNERS only takes effect when ' +
    'the branch requires code-owner review (GitHub `require_code_owner_reviews` / ruleset `require_code_owner_review`; ' +
    'GitLab `code_owner_approval_required` on the protected branch, Premium).',
  remediation:
    'Keep a CODEOWNERS file that covers the deploy paths (`codeowners-missing`) and turn on "Require review from Code ' +
    'Owners" (GitHub) or "Code owner approval" on the protected branch (GitLab).',
  references: [
    'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners',
    'https://docs.gitlab.com/user/project/repository/branches/protected/#require-code-owner-approval-on-a-protected-branch',
  ],
  messages: {
    noCodeOwners: 'Pull requests into the {branch} do not need the code owners\' approval ({sources}).',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/rules/branches/main → 200', code: '[\n  { "type": "pull_request", "ruleset_source_type": "Repository", "ruleset_source": "acme/fleet", "ruleset_id": 42,\n    "parameters": { "required_approving_review_count": 1, "dismiss_stale_reviews_on_push": true, "require_code_owner_review": false,\n      "require_last_push_approval": false, "required_review_thread_resolution": false } }\n]\n' }],
    good: [{ file: 'GET /repos/acme/fleet/rules/branches/main → 200', code: '[\n  { "type": "pull_request", "ruleset_source_type": "Repository", "ruleset_source": "acme/fleet", "ruleset_id": 42,\n    "parameters": { "required_approving_review_count": 1, "dismiss_stale_reviews_on_push": true, "require_code_owner_review": true,\n      "require_last_push_approval": true, "required_review_thread_resolution": false } }\n]\n' }],
  },
  async check(context) {
    for (const { branch, policy } of await protectedBranches(context)) {
      if (policy.codeOwnerReview !== false || !policy.pullRequestRequired) continue;
      reportSetting(context, { messageId: 'noCodeOwners', url: branch.settingsUrl, subject: branch.name, data: { branch: branchLabel(branch), sources: listed(policy.sources) }, properties: { branch: branch.name } });
    }
  },
});
