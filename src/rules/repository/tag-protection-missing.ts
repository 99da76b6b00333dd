import { defineRule } from '../rule.js';
import { FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

export default defineRule({
  id: 'tag-protection-missing',
  ...FORGE_RULE,
  severity: 'medium',
  summary: 'No tag of the repository is protected: anyone with write access can create, move or delete release tags.',
  rationale:
    'Argo CD `targetRevision: v1.4.2`, Flux `ref.tag`/`semver` and Helm chart releases follow tags. An unprotected tag ' +
    'can be moved to another commit or deleted and recreated, and what it names is deployed with no pull request: the ' +
    'review of the branch does not cover it. GitHub protects tags with rulesets targeting tags (the older tag protection ' +
    'API on GHES), GitLab with protected tags.',
  remediation:
    'GitHub: add a tag ruleset (Settings → Rules → Rulesets → New tag ruleset) for the release pattern (`v*`) that ' +
    'restricts creations, updates and deletions. GitLab: Settings → Repository → Protected tags, "Allowed to create: ' +
    'Maintainers" or a release bot only.',
  references: [
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/creating-rulesets-for-a-repository#using-fnmatch-syntax',
    'https://docs.gitlab.com/user/project/protected_tags/',
  ],
  messages: {
    unprotected: 'No tag of {repository} is protected: release tags can be created, moved or deleted by anyone who can push.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/rulesets?targets=tag → 200', code: '[]\n' }],
    good: [{ file: 'GET /projects/acme%2Ffleet/protected_tags → 200', code: '[\n  { "name": "v*", "create_access_levels": [{ "id": 1, "access_level": 40, "access_level_description": "Maintainers" }] }\n]\n' }],
  },
  async check(context) {
    const snapshot = await snapshotOf(context);
    const tags = snapshot?.tags;
    if (!tags || tags.protections.length > 0) return;
    reportSetting(context, { messageId: 'unprotected', url: tags.url, subject: 'tags', data: { repository: snapshot.repository } });
  },
});
