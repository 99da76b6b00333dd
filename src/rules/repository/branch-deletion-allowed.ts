import { defineRule } from '../rule.js';
import { branchLabel, FORGE_RULE, listed, protectedBranches, reportSetting } from './forge-settings.js';

export default defineRule({
  id: 'branch-deletion-allowed',
  ...FORGE_RULE,
  severity: 'medium',
  summary: 'A protected deploy branch on GitHub can be deleted.',
  rationale:
    'Deleting the branch Argo CD or Flux follows stops deployments or, with pruning, tears them down; recreating it ' +
    'with other content deploys that content without review. A ruleset without "Restrict deletions" (`deletion`) or ' +
    'a protection rule with `allow_deletions` permits it. (GitLab protected branches cannot be deleted by push.)',
  remediation: 'Add "Restrict deletions" to the branch\'s ruleset, or turn off "Allow deletions" in its protection rule.',
  references: ['https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets#restrict-deletions'],
  messages: {
    deletion: 'The {branch} can be deleted ({sources}).',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/branches/main/protection → 200', code: '{\n  "url": "https://api.github.com/repos/acme/fleet/branches/main/protection",\n  "enforce_admins": { "url": "https://api.github.com/repos/acme/fleet/branches/main/protection/enforce_admins", "enabled": true },\n  "allow_force_pushes": { "enabled": false },\n  "allow_deletions": { "enabled": true }\n}\n' }],
    good: [{ file: 'GET /repos/acme/fleet/rules/branches/main → 200', code: '[\n  { "type": "deletion", "ruleset_source_type": "Repository", "ruleset_source": "acme/fleet", "ruleset_id": 42 },\n  { "type": "non_fast_forward", "ruleset_source_type": "Repository", "ruleset_source": "acme/fleet", "ruleset_id": 42 }\n]\n' }],
  },
  async check(context) {
    for (const { branch, policy } of await protectedBranches(context)) {
      if (policy.deletionAllowed !== true) continue;
      reportSetting(context, { messageId: 'deletion', url: branch.settingsUrl, subject: branch.name, data: { branch: branchLabel(branch), sources: listed(policy.sources) }, properties: { branch: branch.name } });
    }
  },
});
