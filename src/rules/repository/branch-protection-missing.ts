import { defineRule } from '../rule.js';
import { branchLabel, FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

export default defineRule({
  id: 'branch-protection-missing',
  ...FORGE_RULE,
  severity: 'high',
  summary: 'A branch Argo CD or Flux deploys from (or the default branch) has no branch protection, no ruleset and is no protected branch.',
  rationale:
    'In GitOps the deploy branch is production: a push to it is a deployment. Unprotected, anyone with write access ' +
    '(a person, a leaked token, a compromised CI job) can push, force-push or delete it with no review, no checks and ' +
    'no signature. Rampart checks the branches the repository\'s own Applications, ApplicationSets and Flux ' +
    'GitRepositories deploy from when they point at this repository, else the default branch.',
  remediation:
    'GitHub: add a ruleset (Settings → Rules → Rulesets) or a branch protection rule for the branch that requires pull ' +
    'requests with approvals, status checks and signed commits and blocks force pushes and deletion. GitLab: protect the ' +
    'branch (Settings → Repository → Protected branches) with "Allowed to push: No one".',
  references: [
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets',
    'https://docs.github.com/en/rest/branches/branch-protection#get-branch-protection',
    'https://docs.gitlab.com/user/project/repository/branches/protected/',
  ],
  messages: {
    missing: 'The {branch} has no protection: anyone with write access can push, force-push or delete it.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/branches/main/protection → 404', code: '{\n  "message": "Branch not protected",\n  "documentation_url": "https://docs.github.com/rest/branches/branch-protection#get-branch-protection",\n  "status": "404"\n}\n' }],
    good: [{ file: 'GET /repos/acme/fleet/rules/branches/main → 200', code: '[\n  { "type": "pull_request", "ruleset_source_type": "Repository", "ruleset_source": "acme/fleet", "ruleset_id": 42,\n    "parameters": { "required_approving_review_count": 1, "dismiss_stale_reviews_on_push": true,\n      "require_code_owner_review": true, "require_last_push_approval": true, "required_review_thread_resolution": false } },\n  { "type": "non_fast_forward", "ruleset_source_type": "Repository", "ruleset_source": "acme/fleet", "ruleset_id": 42 },\n  { "type": "deletion", "ruleset_source_type": "Repository", "ruleset_source": "acme/fleet", "ruleset_id": 42 }\n]\n' }],
  },
  async check(context) {
    const snapshot = await snapshotOf(context);
    for (const branch of snapshot?.branches ?? []) {
      if (!branch.policy || branch.policy.protected) continue;
      reportSetting(context, { messageId: 'missing', url: branch.settingsUrl, subject: branch.name, data: { branch: branchLabel(branch) }, properties: { branch: branch.name, forge: snapshot!.kind } });
    }
  },
});
