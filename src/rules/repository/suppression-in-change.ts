import { defineRule } from '../rule.js';

/** Reported by the engine once suppressions are applied (it needs what each directive hid); this entry names and documents it. */
export default defineRule({
  id: 'suppression-in-change',
  layer: 'repository',
  severity: 'high',
  objectKinds: [],
  summary: 'A pull request adds a `rampart-ignore`, or changes a line an existing one silences (`--since`, `--range`).',
  rationale:
    'A gate whose verdict the change under review can turn is no gate: one `# rampart-ignore` comment, with any reason, ' +
    'hides an unpinned image, a privileged pod or a committed secret from the report. An old directive does the same for ' +
    'a line the change rewrites below it (a bare `# rampart-ignore` silences every rule there). In a change scan each such ' +
    'directive is reported with the findings it hides, at the severity of the most severe (low when it hides nothing ' +
    'yet), so the pull request fails the gate as it would without the comment and reviewers see the exception. Once ' +
    'merged, the directive is part of the base and stops being reported.',
  remediation:
    'Review the exception: if it is accepted, merge with a reviewer\'s approval (the next scans of the branch honour it). To ' +
    'let reviewed suppressions through without failing pull requests, set `rules: {suppression-in-change: low}` in the ' +
    'base branch\'s `.rampart.yaml` (a change scan reads the config of the base, never the pull request\'s).',
  references: ['https://owasp.org/www-project-top-10-ci-cd-security-risks/CICD-SEC-01-Insufficient-Flow-Control-Mechanisms'],
  integrationTest: 'test/change-review.test.ts',
  requires: 'history',
  runsWith: '--since REV or --range A..B',
  messages: {
    added: 'This change adds a rampart-ignore that hides {count} finding(s) of {rules} (up to {severity}).',
    addedHidesNothing: 'This change adds a rampart-ignore of {rules}; it hides nothing yet.',
    reused: 'A rampart-ignore hides {count} finding(s) of {rules} (up to {severity}) on lines this change adds.',
  },
  examples: {
    bad: [{ file: 'deploy.yaml', code: '    containers:\n      - name: api\n        # rampart-ignore image-not-pinned -- temporary\n        image: ghcr.io/acme/api:2.0\n' }],
    good: [{ file: 'deploy.yaml', code: '    containers:\n      - name: api\n        image: ghcr.io/acme/api:2.0@sha256:4aea012537edfad80f98d870a36e6b90b4c09b27be7f4b4759d72db863baeebb\n' }],
  },
  check() {
    // see the engine (runRules): the findings are made after suppressions are applied
  },
});
