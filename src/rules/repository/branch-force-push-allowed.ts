import { defineRule } from '../rule.js';
import { branchLabel, FORGE_RULE, listed, protectedBranches, reportSetting } from './forge-settings.js';

export default defineRule({
  id: 'branch-force-push-allowed',
  ...FORGE_RULE,
  severity: 'high',
  summary: 'A protected deploy branch accepts force pushes.',
  rationale:
    'A force push rewrites what the branch held: reviewed commits disappear and unreviewed ones take their place, and ' +
    'Argo CD or Flux deploy the result. It also erases the audit trail of what production ran. On GitHub a ruleset ' +
    'without "Block force pushes" (`non_fast_forward`) or a protection rule with `allow_force_pushes` lets it happen; ' +
    'on GitLab, `allow_force_push` on the protected branch.',
  remediation:
    'GitHub: add "Block force pushes" to the branch\'s ruleset, or turn off "Allow force pushes" in its protection rule. ' +
    'GitLab: turn off "Allowed to force push" on the protected branch.',
  references: [
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets#block-force-pushes',
    'https://docs.gitlab.com/user/project/repository/branches/protected/#allow-force-push-on-a-protected-branch',
  ],
  messages: {
    forcePush: 'The {branch} accepts force pushes ({sources}): reviewed history can be rewritten and deployed.',
  },
  examples: {
    bad: [{ file: 'GET /projects/acme%2Ffleet/protected_branches → 200', code: '[\n  {\n    "id": 1,\n    "name": "main",\n    "push_access_levels": [{ "id": 1, "access_level": 0, "access_level_description": "No one", "user_id": null, "group_id": null }],\n    "merge_access_levels": [{ "id": 1, "access_level": 40, "access_level_description": "Maintainers", "user_id": null, "group_id": null }],\n    "allow_force_push": true,\n    "code_owner_approval_required": false\n  }\n]\n' }],
    good: [{ file: 'GET /projects/acme%2Ffleet/protected_branches → 200', code: '[\n  {\n    "id": 1,\n    "name": "main",\n    "push_access_levels": [{ "id": 1, "access_level": 0, "access_level_description": "No one", "user_id": null, "group_id": null }],\n    "merge_access_levels": [{ "id": 1, "access_level": 40, "access_level_description": "Maintainers", "user_id": null, "group_id": null }],\n    "allow_force_push": false,\n    "code_owner_approval_required": true\n  }\n]\n' }],
  },
  async check(context) {
    for (const { branch, policy } of await protectedBranches(context)) {
      if (policy.forcePushAllowed !== true) continue;
      reportSetting(context, { messageId: 'forcePush', url: branch.settingsUrl, subject: branch.name, data: { branch: branchLabel(branch), sources: listed(policy.sources) }, properties: { branch: branch.name } });
    }
  },
});
