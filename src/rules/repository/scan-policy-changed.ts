import { defineRule } from '../rule.js';

export default defineRule({
  id: 'scan-policy-changed',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A pull request edits what decides Rampart\'s verdict: `.rampart.yaml`, the baseline, or a trust file (allowed signers, keyring, trusted root, cosign key) (`--since`, `--range`).',
  rationale:
    'The config turns rules off, lowers their severity and ignores paths; the baseline hides findings by fingerprint; the ' +
    'allowed signers and keyrings say whose commit signatures count. A pull request that could change them in the same ' +
    'change it is judged on would pass any gate: add its own key and sign with it, add its findings to the baseline, ' +
    'ignore `**`. So a change scan reads each of these files inside the repository as the base revision has them, and ' +
    'reports the edit itself for review: it takes effect once merged.',
  remediation:
    'Have the owners of the scan policy review the edit (a CODEOWNERS entry for `.rampart.yaml`, the baseline and the ' +
    'trust files makes that a rule of the forge). Once merged, the next scans apply it.',
  references: ['https://owasp.org/www-project-top-10-ci-cd-security-risks/CICD-SEC-01-Insufficient-Flow-Control-Mechanisms'],
  integrationTest: 'test/change-review.test.ts',
  requires: 'history',
  runsWith: '--since REV or --range A..B',
  messages: {
    changed: 'This change edits the {role} {path} ({status}); the scan applied the version of {base}, and the edit takes effect once merged.',
  },
  examples: {
    bad: [{ file: '.rampart.yaml', code: 'ignore:\n  - "**"\n' }],
    good: [{ file: '.rampart.yaml', code: 'failOn: high\n' }],
  },
  check(context) {
    const review = context.settings.history?.review;
    if (!review) return;
    for (const change of review.policyChanges) {
      const file = context.workspace.file(change.path);
      context.report({
        messageId: 'changed',
        at: file ? file.span(0, Math.min(file.text.indexOf('\n') === -1 ? file.text.length : file.text.indexOf('\n'), file.text.length)) : { path: change.path, start: 0, end: 0 },
        data: { role: change.role, path: change.path, status: change.status, base: review.baseName },
        subject: `${change.role}\0${change.path}`,
      });
    }
  },
});
