import { defineRule } from '../rule.js';
import { FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

export default defineRule({
  id: 'actions-token-write-default',
  ...FORGE_RULE,
  severity: 'medium',
  summary: 'GitHub Actions gives workflows a GITHUB_TOKEN that can write by default, or lets Actions approve pull requests.',
  rationale:
    'Every workflow that does not declare `permissions:` gets the default token. With "Read and write permissions" a ' +
    'compromised step (an action, a dependency, injected script) can push to the repository, create releases and tags, ' +
    'and change packages. "Allow GitHub Actions to create and approve pull requests" lets a workflow approve its own ' +
    'pull request, which turns a required review into none.',
  remediation:
    'Settings → Actions → General → Workflow permissions: choose "Read repository contents and packages permissions" ' +
    'and untick "Allow GitHub Actions to create and approve pull requests"; grant write scopes per job with `permissions:`.',
  references: [
    'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#setting-the-permissions-of-the-github_token-for-your-repository',
    'https://docs.github.com/en/rest/actions/permissions#get-default-workflow-permissions-for-a-repository',
  ],
  messages: {
    writeDefault: 'Workflows get a GITHUB_TOKEN with write access unless they declare `permissions:`.',
    canApprove: 'GitHub Actions may approve pull requests: a workflow can satisfy a required review.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/actions/permissions/workflow → 200', code: '{\n  "default_workflow_permissions": "write",\n  "can_approve_pull_request_reviews": true\n}\n' }],
    good: [{ file: 'GET /repos/acme/fleet/actions/permissions/workflow → 200', code: '{\n  "default_workflow_permissions": "read",\n  "can_approve_pull_request_reviews": false\n}\n' }],
  },
  async check(context) {
    const actions = (await snapshotOf(context))?.actions;
    if (!actions) return;
    if (actions.defaultTokenPermissions === 'write') reportSetting(context, { messageId: 'writeDefault', url: actions.url, subject: 'default_workflow_permissions' });
    if (actions.canApprovePullRequests === true) reportSetting(context, { messageId: 'canApprove', url: actions.url, subject: 'can_approve_pull_request_reviews', severity: 'high' });
  },
});
