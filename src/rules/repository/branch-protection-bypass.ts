import { defineRule } from '../rule.js';
import { branchLabel, FORGE_RULE, listed, protectedBranches, reportSetting } from './forge-settings.js';

export default defineRule({
  id: 'branch-protection-bypass',
  ...FORGE_RULE,
  severity: 'high',
  summary: 'Someone can get past a deploy branch\'s protection: administrators, apps, teams or users on a bypass list.',
  rationale:
    'A protection with exceptions protects against everyone but the accounts most worth stealing. Branch protection ' +
    'without "Do not allow bypassing the above settings" (`enforce_admins`) lets every repository administrator push ' +
    'directly; `bypass_pull_request_allowances` and ruleset `bypass_actors` (apps, teams, roles, deploy keys) with ' +
    '`bypass_mode: always` skip every rule. On GitLab, authors approving their own merge requests, or approval rules ' +
    'editable per merge request, undo required approvals.',
  remediation:
    'GitHub: turn on "Do not allow bypassing the above settings", and empty the bypass lists (or set bypass mode to ' +
    '"For pull requests only"), so emergencies go through a reviewed pull request. GitLab: Settings → Merge requests → ' +
    'Approval settings: prevent approval by author, and prevent editing approval rules in merge requests.',
  references: [
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#do-not-allow-bypassing-the-above-settings',
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/creating-rulesets-for-a-repository#granting-bypass-permissions-for-your-branch-or-tag-ruleset',
    'https://docs.gitlab.com/user/project/merge_requests/approvals/settings/',
  ],
  messages: {
    bypass: 'The protection of the {branch} can be bypassed by {who}.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/rulesets/42 → 200', code: '{\n  "id": 42,\n  "name": "production",\n  "target": "branch",\n  "source_type": "Repository",\n  "source": "acme/fleet",\n  "enforcement": "active",\n  "bypass_actors": [\n    { "actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always" },\n    { "actor_id": 1234, "actor_type": "Integration", "bypass_mode": "always" }\n  ]\n}\n' }],
    good: [{ file: 'GET /repos/acme/fleet/rulesets/42 → 200', code: '{\n  "id": 42,\n  "name": "production",\n  "target": "branch",\n  "source_type": "Repository",\n  "source": "acme/fleet",\n  "enforcement": "active",\n  "bypass_actors": []\n}\n' }],
  },
  async check(context) {
    for (const { branch, policy } of await protectedBranches(context)) {
      const who = policy.bypass ?? [];
      if (who.length === 0) continue;
      reportSetting(context, { messageId: 'bypass', url: policy.urls?.approvals && policy.sources.some((source) => source.startsWith('protected branch')) ? policy.urls.approvals : branch.settingsUrl, subject: branch.name, data: { branch: branchLabel(branch), who: listed(who) }, properties: { branch: branch.name, sources: listed(policy.sources) } });
    }
  },
});
