import { defineRule } from '../rule.js';
import { FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

export default defineRule({
  id: 'repository-admin-access',
  ...FORGE_RULE,
  severity: 'low',
  summary: 'Who can change the repository\'s protection: collaborators and teams with admin or maintain (GitLab Owner, Maintainer).',
  rationale:
    'Administrators (and on GitLab, Maintainers) can turn branch protection off, add deploy keys and webhooks, and ' +
    'change who may push: each of those accounts can reach production alone. The list is reported so it is reviewed, as ' +
    'the seed asks ("audit access regularly"); a baseline keeps the accepted ones quiet until the list changes.',
  remediation:
    'Keep admin to a few named people (or a small team), give everyone else write (GitHub) or Developer (GitLab), and ' +
    'record the accepted list in a baseline (`rampart baseline`) so a new admin shows up as a new finding.',
  references: [
    'https://docs.github.com/en/organizations/managing-user-access-to-your-organizations-repositories/managing-repository-roles/repository-roles-for-an-organization',
    'https://docs.gitlab.com/user/permissions/',
  ],
  messages: {
    privileged: '{who} has the {role} role on the repository and can change its protection.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/collaborators?affiliation=direct → 200', code: '[\n  { "login": "alice", "id": 1, "type": "User", "site_admin": false,\n    "permissions": { "pull": true, "triage": true, "push": true, "maintain": true, "admin": true }, "role_name": "admin" }\n]\n' }],
    good: [{ file: 'GET /repos/acme/fleet/teams → 200', code: '[\n  { "id": 2, "name": "developers", "slug": "developers", "privacy": "closed", "permission": "push" }\n]\n' }],
  },
  async check(context) {
    for (const grant of (await snapshotOf(context))?.access ?? []) {
      if (!grant.privileged) continue;
      reportSetting(context, { messageId: 'privileged', url: grant.url, subject: `${grant.who} ${grant.role}`, data: { who: grant.who, role: grant.role }, properties: { who: grant.who, role: grant.role } });
    }
  },
});
