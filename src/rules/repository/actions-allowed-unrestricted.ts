import { defineRule } from '../rule.js';
import { FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

export default defineRule({
  id: 'actions-allowed-unrestricted',
  ...FORGE_RULE,
  severity: 'low',
  summary: 'Workflows may use any action or reusable workflow from anywhere (`allowed_actions: all`).',
  rationale:
    'Every `uses:` runs someone else\'s code with the job\'s token and secrets. With all actions allowed, one pull ' +
    'request can bring in an action nobody has looked at, or a typo-squatted one. Restricting to GitHub\'s own, verified ' +
    'creators and a list of reviewed actions (pinned by SHA, see `action-not-pinned`) keeps that surface to what was chosen.',
  remediation:
    'Settings → Actions → General → Actions permissions: "Allow OWNER, and select non-OWNER, actions and reusable ' +
    'workflows" with a list of the actions in use (`allowed_actions: selected`), or set it for the whole organization.',
  references: ['https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#allowing-select-actions-and-reusable-workflows-to-run'],
  messages: {
    all: 'Workflows may use any action or reusable workflow (allowed_actions: all).',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/actions/permissions → 200', code: '{\n  "enabled": true,\n  "allowed_actions": "all",\n  "selected_actions_url": "https://api.github.com/repos/acme/fleet/actions/permissions/selected-actions"\n}\n' }],
    good: [{ file: 'GET /repos/acme/fleet/actions/permissions → 200', code: '{\n  "enabled": true,\n  "allowed_actions": "selected",\n  "selected_actions_url": "https://api.github.com/repos/acme/fleet/actions/permissions/selected-actions"\n}\n' }],
  },
  async check(context) {
    const actions = (await snapshotOf(context))?.actions;
    if (actions?.enabled !== true || actions.allowedActions !== 'all') return;
    reportSetting(context, { messageId: 'all', url: actions.url, subject: 'allowed_actions' });
  },
});
