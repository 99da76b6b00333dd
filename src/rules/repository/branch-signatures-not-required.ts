import { defineRule } from '../rule.js';
import { branchLabel, FORGE_RULE, listed, protectedBranches, reportSetting } from './forge-settings.js';

export default defineRule({
  id: 'branch-signatures-not-required',
  ...FORGE_RULE,
  severity: 'medium',
  summary: 'A protected deploy branch accepts commits without a verified signature.',
  rationale:
    'Without required signatures the forge accepts commits in anyone\'s name: an author line is just text. Requiring ' +
    'signed commits on the deploy branch makes the forge enforce what `commit-unsigned` and Flux `spec.verify` check ' +
    'afterwards, so an unsigned commit never reaches the branch the cluster follows. GitHub: the ruleset rule ' +
    '`required_signatures` or protection `required_signatures`; GitLab: the push rule `reject_unsigned_commits` (Premium).',
  remediation:
    'GitHub: add "Require signed commits" to the branch\'s ruleset or protection rule. GitLab: enable "Reject unsigned ' +
    'commits" in the project\'s push rules (Settings → Repository → Push rules).',
  references: [
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets#require-signed-commits',
    'https://docs.gitlab.com/user/project/repository/push_rules/#reject-unsigned-commits-push-rule',
  ],
  messages: {
    unsigned: 'The {branch} accepts unsigned commits ({sources}).',
  },
  examples: {
    bad: [{ file: 'GET /projects/acme%2Ffleet/push_rule → 200', code: '{\n  "id": 1,\n  "project_id": 3,\n  "commit_message_regex": "",\n  "deny_delete_tag": false,\n  "member_check": false,\n  "prevent_secrets": true,\n  "commit_committer_check": false,\n  "reject_unsigned_commits": false\n}\n' }],
    good: [{ file: 'GET /repos/acme/fleet/rules/branches/main → 200', code: '[\n  { "type": "required_signatures", "ruleset_source_type": "Repository", "ruleset_source": "acme/fleet", "ruleset_id": 42 }\n]\n' }],
  },
  async check(context) {
    for (const { branch, policy } of await protectedBranches(context)) {
      if (policy.signaturesRequired !== false) continue;
      reportSetting(context, { messageId: 'unsigned', url: policy.urls?.signatures ?? branch.settingsUrl, subject: branch.name, data: { branch: branchLabel(branch), sources: listed(policy.sources) }, properties: { branch: branch.name } });
    }
  },
});
