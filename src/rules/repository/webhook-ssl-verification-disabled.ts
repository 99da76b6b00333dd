import { defineRule } from '../rule.js';
import { FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

export default defineRule({
  id: 'webhook-ssl-verification-disabled',
  ...FORGE_RULE,
  severity: 'high',
  summary: 'A repository webhook is delivered without TLS certificate verification.',
  rationale:
    'Webhooks tell Argo CD, Flux receivers and CI what to deploy, and carry the webhook secret\'s signature. With ' +
    'certificate verification off (GitHub `insecure_ssl: "1"`, GitLab `enable_ssl_verification: false`), anyone on the ' +
    'path can impersonate the receiver, read every event and replay them. A receiver with a private CA needs that CA ' +
    'trusted, not verification turned off.',
  remediation:
    'Turn SSL verification back on for the webhook and give the receiver a certificate the forge trusts (a public CA, ' +
    'or on GHES / self-managed GitLab the internal CA added to the instance).',
  references: [
    'https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks',
    'https://docs.gitlab.com/user/project/integrations/webhooks/',
  ],
  messages: {
    insecure: 'Webhook {id} to {target} is delivered without certificate verification{inactive}.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/hooks → 200', code: '[\n  { "type": "Repository", "id": 12, "name": "web", "active": true, "events": ["push"],\n    "config": { "content_type": "json", "insecure_ssl": "1", "url": "https://argocd.internal.example.com/api/webhook" } }\n]\n' }],
    good: [{ file: 'GET /projects/acme%2Ffleet/hooks → 200', code: '[\n  { "id": 1, "url": "https://flux-receiver.example.com/hook/abc", "push_events": true, "enable_ssl_verification": true }\n]\n' }],
  },
  async check(context) {
    for (const hook of (await snapshotOf(context))?.webhooks ?? []) {
      if (hook.sslVerification) continue;
      reportSetting(context, { messageId: 'insecure', url: hook.url, subject: `webhook ${hook.id}`, data: { id: hook.id, target: hook.target, inactive: hook.active ? '' : ' (inactive)' }, ...(hook.active ? {} : { severity: 'low' as const }), properties: { webhook: hook.id, target: hook.target } });
    }
  },
});
