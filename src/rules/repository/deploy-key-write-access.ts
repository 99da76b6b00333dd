import { defineRule } from '../rule.js';
import { FORGE_RULE, reportSetting, snapshotOf } from './forge-settings.js';

export default defineRule({
  id: 'deploy-key-write-access',
  ...FORGE_RULE,
  severity: 'high',
  summary: 'A deploy key can push to the repository.',
  rationale:
    'A deploy key is an SSH key outside any person\'s account: no two-factor authentication, rarely rotated, often ' +
    'copied into CI systems and cluster Secrets. With write access it pushes to any branch its protection lets it ' +
    '(GitLab can even list it among those allowed to push to a protected branch), and Argo CD or Flux deploy what it ' +
    'pushed. Argo CD and Flux only need to read.',
  remediation:
    'Recreate the key read-only (GitHub: untick "Allow write access"; GitLab: untick "Grant write permissions to this ' +
    'key"). Automation that must write (an image updater) should open pull requests with a scoped app token instead of ' +
    'pushing with a key.',
  references: [
    'https://docs.github.com/en/authentication/connecting-to-github-with-ssh/managing-deploy-keys#deploy-keys',
    'https://docs.gitlab.com/user/project/deploy_keys/',
  ],
  messages: {
    writable: 'Deploy key "{title}" (id {id}) has write access{used}.',
  },
  examples: {
    bad: [{ file: 'GET /repos/acme/fleet/keys → 200', code: '[\n  { "id": 2, "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…", "url": "https://api.github.com/repos/acme/fleet/keys/2",\n    "title": "flux", "verified": true, "created_at": "2024-01-01T00:00:00Z", "read_only": false,\n    "added_by": "alice", "last_used": "2024-06-01T00:00:00Z", "enabled": true }\n]\n' }],
    good: [{ file: 'GET /projects/acme%2Ffleet/deploy_keys → 200', code: '[\n  { "id": 1, "title": "argocd", "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…", "fingerprint": "4a:9d:…", "created_at": "2024-01-01T00:00:00Z", "expires_at": null, "can_push": false }\n]\n' }],
  },
  async check(context) {
    const snapshot = await snapshotOf(context);
    for (const key of snapshot?.deployKeys ?? []) {
      if (!key.writable) continue;
      reportSetting(context, { messageId: 'writable', url: key.url, subject: `deploy key ${key.id}`, data: { title: key.title, id: key.id, used: key.lastUsed ? `, last used ${key.lastUsed}` : '' }, properties: { deployKey: key.id } });
    }
  },
});
