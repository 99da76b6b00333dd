import { defineRule } from '../rule.js';
import { FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

const WRITE_ROLES = new Set(['write', 'maintain', 'admin']);

export default defineRule({
  id: 'outside-collaborator-access',
  ...FORGE_RULE,
  severity: 'medium',
  summary: 'An outside collaborator (not a member of the GitHub organization) can push to the repository.',
  rationale:
    'Outside collaborators sit outside the organization\'s controls: its two-factor requirement, SSO, membership ' +
    'reviews and offboarding. A contractor account that kept write access after the contract ended, or that was never ' +
    'held to the organization\'s rules, can push to branches the protection lets through and approve pull requests.',
  remediation:
    'Remove the access or lower it to read; where write access is needed, make the person an organization member in a ' +
    'team, so SSO, two-factor enforcement and offboarding apply.',
  references: ['https://docs.github.com/en/organizations/managing-user-access-to-your-organizations-repositories/managing-outside-collaborators/adding-outside-collaborators-to-repositories-in-your-organization'],
  messages: {
    outside: 'Outside collaborator {who} has {role} access.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/collaborators?affiliation=outside → 200', code: '[\n  { "login": "contractor", "id": 7, "type": "User", "site_admin": false,\n    "permissions": { "pull": true, "triage": true, "push": true, "maintain": false, "admin": false }, "role_name": "write" }\n]\n' }],
    good: [{ file: 'GET /repos/acme/fleet/collaborators?affiliation=outside → 200', code: '[\n  { "login": "auditor", "id": 8, "type": "User", "site_admin": false,\n    "permissions": { "pull": true, "triage": false, "push": false, "maintain": false, "admin": false }, "role_name": "read" }\n]\n' }],
  },
  async check(context) {
    for (const grant of (await snapshotOf(context))?.access ?? []) {
      if (!grant.outside || !WRITE_ROLES.has(grant.role)) continue;
      reportSetting(context, { messageId: 'outside', url: grant.url, subject: grant.who, data: { who: grant.who.replace(/^user /, ''), role: grant.role }, ...(grant.role === 'admin' ? { severity: 'high' as const } : {}), properties: { who: grant.who, role: grant.role } });
    }
  },
});
