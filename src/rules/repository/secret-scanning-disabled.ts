import { defineRule } from '../rule.js';
import { FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

export default defineRule({
  id: 'secret-scanning-disabled',
  ...FORGE_RULE,
  severity: 'medium',
  summary: 'The forge does not scan pushes for secrets, or does not block a push that holds one.',
  rationale:
    'A GitOps repository is where cluster credentials, registry tokens and cloud keys end up by mistake. Secret ' +
    'scanning finds them after the fact; push protection refuses the push, before the secret is in history, mirrored ' +
    'and cloned by every controller. GitHub: `security_and_analysis.secret_scanning` and ' +
    '`secret_scanning_push_protection`; GitLab: secret push protection (Ultimate) or the push rule `prevent_secrets` (Premium).',
  remediation:
    'GitHub: Settings → Code security → enable Secret Protection and Push protection. GitLab: Secure → Security ' +
    'configuration → Secret push protection, or the push rule "Prevent pushing secret files". Keep `rampart scan` in CI ' +
    'and pre-commit as well.',
  references: [
    'https://docs.github.com/en/code-security/secret-scanning/introduction/about-push-protection',
    'https://docs.gitlab.com/user/application_security/secret_detection/secret_push_protection/',
  ],
  messages: {
    scanningOff: 'Secret scanning is off for {repository}.',
    pushProtectionOff: 'Push protection is off for {repository}: a push holding a secret is accepted.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet → 200 (security_and_analysis)', code: '{\n  "security_and_analysis": {\n    "advanced_security": { "status": "enabled" },\n    "secret_scanning": { "status": "enabled" },\n    "secret_scanning_push_protection": { "status": "disabled" }\n  }\n}\n' }],
    good: [{ file: 'GET /repos/acme/fleet → 200 (security_and_analysis)', code: '{\n  "security_and_analysis": {\n    "secret_scanning": { "status": "enabled" },\n    "secret_scanning_push_protection": { "status": "enabled" }\n  }\n}\n' }],
  },
  async check(context) {
    const snapshot = await snapshotOf(context);
    const settings = snapshot?.secretScanning;
    if (!settings) return;
    const data = { repository: snapshot.repository };
    if (settings.scanning === false) reportSetting(context, { messageId: 'scanningOff', url: settings.url, subject: 'secret_scanning', data });
    if (settings.pushProtection === false) reportSetting(context, { messageId: 'pushProtectionOff', url: settings.url, subject: 'push_protection', data });
  },
});
