import { defineRule } from '../rule.js';
import { branchLabel, FORGE_RULE, listed, protectedBranches, reportSetting } from './forge-settings.js';

export default defineRule({
  id: 'branch-status-checks-not-required',
  ...FORGE_RULE,
  severity: 'medium',
  summary: 'A deploy branch accepts changes whose checks (CI, Rampart itself) failed or never ran.',
  rationale:
    'Policy checks in CI (manifest validation, `rampart scan`, image signature checks) only guard production when a red ' +
    'result blocks the merge. Without required status checks a pull request merges while its checks fail or are still ' +
    'running. GitHub: a `required_status_checks` rule or protection with contexts; GitLab: "Pipelines must succeed" ' +
    '(`only_allow_merge_if_pipeline_succeeds`).',
  remediation:
    'GitHub: require the CI checks (by name, from the app that should post them) in the branch\'s ruleset or protection. ' +
    'GitLab: Settings → Merge requests → Merge checks → "Pipelines must succeed".',
  references: [
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/available-rules-for-rulesets#require-status-checks-to-pass-before-merging',
    'https://docs.gitlab.com/user/project/merge_requests/auto_merge/#require-a-successful-pipeline-for-merge',
  ],
  messages: {
    noChecks: 'Changes to the {branch} merge without passing checks ({sources}).',
  },
  examples: {
    bad: [{ file: 'GET /projects/acme%2Ffleet → 200', code: '{\n  "id": 3,\n  "path_with_namespace": "acme/fleet",\n  "default_branch": "main",\n  "web_url": "https://gitlab.com/acme/fleet",\n  "only_allow_merge_if_pipeline_succeeds": false\n}\n' }],
    good: [{ file: 'GET /projects/acme%2Ffleet → 200', code: '{\n  "id": 3,\n  "path_with_namespace": "acme/fleet",\n  "default_branch": "main",\n  "web_url": "https://gitlab.com/acme/fleet",\n  "only_allow_merge_if_pipeline_succeeds": true\n}\n' }],
  },
  async check(context) {
    for (const { branch, policy } of await protectedBranches(context)) {
      if (policy.statusChecksRequired !== false) continue;
      reportSetting(context, { messageId: 'noChecks', url: policy.urls?.statusChecks ?? branch.settingsUrl, subject: branch.name, data: { branch: branchLabel(branch), sources: listed(policy.sources) }, properties: { branch: branch.name } });
    }
  },
});
